// Who can do what, for a whole run: the privilege of every user and role of every account with an
// inventory. Asynchronous (the policy evaluator is), so it runs before the analysis, which is
// synchronous and reads the result from the run's records; a run read back from its JSON report
// already carries it.
import type { AccountAccess, AccountAudit, AccountInventory, AuditRun } from '../../model';
import { assessAccessPaths } from './access-paths';
import { rolePolicySet, userPolicySet } from './policy-set';
import { PrivilegeEvaluator } from './privilege';

export async function assessAccountAccess(inventory: AccountInventory, evaluator: PrivilegeEvaluator): Promise<AccountAccess> {
  const principals: AccountAccess['principals'] = [];
  for (const user of inventory.users) {
    const verdict = await evaluator.privilegeOf(userPolicySet(inventory, user));
    principals.push({ principalType: 'user', name: user.userName, arn: user.arn, ...verdict, grantedBy: [...verdict.grantedBy], unreadPolicies: [...verdict.unreadPolicies] });
  }
  for (const role of inventory.roles) {
    const verdict = await evaluator.privilegeOf(rolePolicySet(inventory, role));
    principals.push({ principalType: 'role', name: role.roleName, arn: role.arn, ...verdict, grantedBy: [...verdict.grantedBy], unreadPolicies: [...verdict.unreadPolicies] });
  }
  return { principals };
}

/**
 * The run with the privilege of every principal in each account that has an inventory, and the
 * access paths across its accounts; what a report read back already has is kept as it is.
 */
export async function assessAccess(run: AuditRun, evaluator = new PrivilegeEvaluator(run.partition, run.startedAt, run.organizationId ?? null)): Promise<AuditRun> {
  const accounts: AccountAudit[] = [];
  for (const account of run.accounts) {
    if (account.access !== undefined || account.inventory === undefined || account.inventory === null) {
      accounts.push(account);
      continue;
    }
    accounts.push({ ...account, access: await assessAccountAccess(account.inventory, evaluator) });
  }
  const assessed: AuditRun = { ...run, accounts };
  return run.accessPaths === undefined ? { ...assessed, accessPaths: await assessAccessPaths(assessed, evaluator) } : assessed;
}
