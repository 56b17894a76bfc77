// Access paths across the organization, from the inventories already collected (no call): a role
// is an edge from every principal of the organization that can assume it, decided with the policy
// evaluator on both sides (the caller's identity policy allows `sts:AssumeRole` on the role, the
// role's trust policy admits the caller). From every user and role, the roles it reaches, itself
// or through a chain of roles; each one in another account is a path, with the privilege of the
// role it ends in.
//
// Only trust policies that name the caller's account (its root, the account id, one of its
// principals) or `*` are asked: the others cannot admit it.
import type { AccessPath, AccountAudit, AuditRun, PrivilegeLevel, RoleRecord } from '../../model';
import { parseStatements, principalAccount } from '../trust';
import { accountOfArn, rolePolicySet, userPolicySet, type PrincipalPolicySet } from './policy-set';
import type { PrivilegeEvaluator } from './privilege';

/** The longest chain of roles followed from one principal. */
export const MAX_CHAIN = 5;

interface RoleNode {
  role: RoleRecord;
  accountId: string;
  trustPolicy: unknown;
  /** Accounts whose principals the trust policy names; `*` for anyone. */
  trustedAccounts: ReadonlySet<string>;
  set: PrincipalPolicySet;
  privilege: PrivilegeLevel;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function trustedAccountsOf(trustPolicy: string): Set<string> {
  const accounts = new Set<string>();
  for (const statement of parseStatements(trustPolicy)) {
    if (statement.Effect !== 'Allow') continue;
    const principal = statement.Principal;
    const aws = principal === '*' ? ['*'] : typeof principal === 'object' && principal !== null ? list((principal as Record<string, unknown>).AWS) : [];
    for (const entry of aws) {
      if (entry === '*') accounts.add('*');
      else if (typeof entry === 'string') {
        const account = principalAccount(entry);
        if (account !== null) accounts.add(account);
      }
    }
  }
  return accounts;
}

function parsedTrust(trustPolicy: string): unknown {
  try {
    return JSON.parse(trustPolicy) as unknown;
  } catch {
    return undefined;
  }
}

interface Start {
  account: AccountAudit;
  principalType: 'user' | 'role';
  name: string;
  arn: string;
  set: PrincipalPolicySet;
}

export async function assessAccessPaths(run: AuditRun, evaluator: PrivilegeEvaluator): Promise<AccessPath[]> {
  const roles: RoleNode[] = [];
  const starts: Start[] = [];
  for (const account of run.accounts) {
    const inventory = account.inventory;
    if (inventory === undefined || inventory === null) continue;
    for (const user of inventory.users) starts.push({ account, principalType: 'user', name: user.userName, arn: user.arn, set: userPolicySet(inventory, user) });
    for (const role of inventory.roles) {
      const set = rolePolicySet(inventory, role);
      starts.push({ account, principalType: 'role', name: role.roleName, arn: role.arn, set });
      const trustPolicy = parsedTrust(role.trustPolicy);
      if (trustPolicy === undefined) continue;
      const privilege = account.access?.principals.find((principal) => principal.principalType === 'role' && principal.name === role.roleName)?.privilege
        ?? (await evaluator.privilegeOf(set)).privilege;
      roles.push({ role, accountId: accountOfArn(role.arn), trustPolicy, trustedAccounts: trustedAccountsOf(role.trustPolicy), set, privilege });
    }
  }
  const edges = new Map<string, Promise<RoleNode[]>>();
  /** The roles `caller` can assume directly, remembered by caller. */
  const assumable = (caller: PrincipalPolicySet): Promise<RoleNode[]> => {
    let known = edges.get(caller.arn);
    if (known === undefined) {
      known = (async () => {
        if (!(await evaluator.assumesSomeRole(caller))) return [];
        const reached: RoleNode[] = [];
        for (const node of roles) {
          if (node.role.arn === caller.arn) continue;
          if (!node.trustedAccounts.has('*') && !node.trustedAccounts.has(caller.accountId)) continue;
          if (await evaluator.canAssume(caller, { arn: node.role.arn, accountId: node.accountId, trustPolicy: node.trustPolicy })) reached.push(node);
        }
        return reached;
      })();
      edges.set(caller.arn, known);
    }
    return known;
  };

  const paths: AccessPath[] = [];
  for (const start of starts) {
    // Breadth first: each role is reached by its shortest chain.
    const seen = new Set<string>([start.arn]);
    let frontier: { set: PrincipalPolicySet; chain: RoleNode[] }[] = [{ set: start.set, chain: [] }];
    for (let depth = 0; depth < MAX_CHAIN && frontier.length > 0; depth += 1) {
      const next: typeof frontier = [];
      for (const step of frontier) {
        for (const node of await assumable(step.set)) {
          if (seen.has(node.role.arn)) continue;
          seen.add(node.role.arn);
          const chain = [...step.chain, node];
          next.push({ set: node.set, chain });
          if (node.accountId === start.set.accountId) continue;
          paths.push({
            fromAccountId: start.account.account.id,
            fromPrincipalType: start.principalType,
            fromPrincipalName: start.name,
            fromArn: start.arn,
            toAccountId: node.accountId,
            roles: chain.map((entry) => entry.role.arn),
            privilege: node.privilege,
          });
        }
      }
      frontier = next;
    }
  }
  return paths;
}
