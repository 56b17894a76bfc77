// The rules that read the account's inventory of principals and policies and need no policy
// evaluator: quarantined keys, policies attached to users, the password policy, unused roles and
// roles trusted from outside the organization.
import type { AccessPath, AccountAudit, InventoryUserRecord, RoleRecord } from '../../model';
import { ageInDays, isUnusedFor } from '../facts';
import { describeTrust, outsideTrusts, parseStatements } from '../trust';
import type { Finding, FindingResourceType, Severity } from './finding';
import type { RuleId } from './rule-catalogue';
import type { FindingThresholds } from './thresholds';
import { plural } from '../../values/plural';

/** What AWS attaches to a user whose key it saw exposed in public (a code repository...). */
export const QUARANTINE_POLICY_NAMES = ['AWSCompromisedKeyQuarantine', 'AWSCompromisedKeyQuarantineV2', 'AWSCompromisedKeyQuarantineV3'] as const;

/** CIS AWS Foundations: at least 14 characters, and the last 24 passwords not reused. */
export const PASSWORD_MIN_LENGTH = 14;
export const PASSWORD_REUSE_PREVENTION = 24;

export type MakeFinding = (ruleId: RuleId, severity: Severity, resourceType: FindingResourceType, resource: string, evidence: string) => Finding;

export interface AccessRuleContext {
  account: AccountAudit;
  reference: number;
  thresholds: FindingThresholds;
  /** Every account Organizations listed: a principal of one of them is not outside. */
  organizationAccountIds: ReadonlySet<string>;
  /** The organization's id (`o-...`): a trust limited to it by `aws:PrincipalOrgID` is not outside; null when unknown. */
  organizationId: string | null;
  /** The run's access paths that end in this account. */
  pathsInto: readonly AccessPath[];
  finding: MakeFinding;
}

function isQuarantinePolicy(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn) && (QUARANTINE_POLICY_NAMES as readonly string[]).includes(arn.slice(arn.lastIndexOf('/') + 1));
}

export function quarantinePolicies(user: Pick<InventoryUserRecord, 'attachedPolicies'>): string[] {
  return user.attachedPolicies.filter((policy) => isQuarantinePolicy(policy.arn)).map((policy) => policy.name);
}

function quarantinedKey(context: AccessRuleContext, user: InventoryUserRecord): Finding[] {
  const policies = quarantinePolicies(user);
  if (policies.length === 0) return [];
  const keys = context.account.users.find((record) => record.userName === user.userName)?.accessKeys ?? [];
  const active = keys.filter((key) => key.status === 'Active').map((key) => key.accessKeyId);
  const keyText = active.length > 0 ? `active keys: ${active.join(', ')}` : 'no active key left';
  return [context.finding('access-key-quarantined', 'critical', 'iam-user', user.userName, `${policies.join(', ')} attached: AWS saw a key of this user exposed; ${keyText}`)];
}

function directlyAttached(context: AccessRuleContext, user: InventoryUserRecord): Finding[] {
  const attached = user.attachedPolicies.filter((policy) => !isQuarantinePolicy(policy.arn)).map((policy) => policy.name);
  const inline = user.inlinePolicies.map((policy) => `${policy.name} (inline)`);
  if (attached.length + inline.length === 0) return [];
  return [context.finding('user-policy-attached-directly', 'low', 'iam-user', user.userName, `policies on the user, not through a group: ${[...attached, ...inline].join(', ')}`)];
}

function weakPasswordPolicy(context: AccessRuleContext): Finding[] {
  const policy = context.account.inventory?.passwordPolicy;
  if (policy === undefined || policy === 'unknown') return [];
  const accountId = context.account.account.id;
  if (policy === 'none') return [context.finding('password-policy-weak', 'medium', 'account', accountId, 'no password policy: IAM defaults apply (8 characters, reuse allowed)')];
  const weaknesses: string[] = [];
  if ((policy.minimumLength ?? 0) < PASSWORD_MIN_LENGTH) weaknesses.push(`minimum length ${policy.minimumLength ?? 'not set'} (at least ${PASSWORD_MIN_LENGTH})`);
  if ((policy.reusePrevention ?? 0) < PASSWORD_REUSE_PREVENTION) weaknesses.push(`reuse prevention ${policy.reusePrevention ?? 'not set'} (at least ${PASSWORD_REUSE_PREVENTION})`);
  if (weaknesses.length === 0) return [];
  return [context.finding('password-policy-weak', 'medium', 'account', accountId, `password policy: ${weaknesses.join('; ')}`)];
}

/** Service-linked roles belong to AWS services: not the account's to remove. */
function isServiceLinked(role: RoleRecord): boolean {
  return role.path.startsWith('/aws-service-role/');
}

function unusedRole(context: AccessRuleContext, role: RoleRecord): Finding[] {
  if (isServiceLinked(role)) return [];
  const { unusedDays } = context.thresholds;
  if (role.lastUsed !== null) {
    const idle = ageInDays(context.reference, role.lastUsed);
    if (!isUnusedFor(idle, unusedDays)) return [];
    return [context.finding('role-unused', 'low', 'iam-role', role.roleName, `role last used ${role.lastUsed}, ${plural(idle, 'day')} ago (limit ${unusedDays})`)];
  }
  if (role.createdDate === '') return [];
  const age = ageInDays(context.reference, role.createdDate);
  if (!isUnusedFor(age, unusedDays)) return [];
  return [context.finding('role-unused', 'low', 'iam-role', role.roleName, `role never used; created ${role.createdDate}, ${plural(age, 'day')} ago (limit ${unusedDays})`)];
}

function trustedFromOutside(context: AccessRuleContext, role: RoleRecord): Finding[] {
  const trusts = outsideTrusts(role, context.organizationAccountIds, context.organizationId);
  if (trusts.length === 0) return [];
  // `*` with nothing naming who may call: anyone with an AWS account. An external id is a shared
  // secret that keeps a vendor's other customers out (the confused deputy).
  const severityOf = (trust: (typeof trusts)[number]): Severity =>
    trust.principal === '*' && !trust.narrowed && !trust.requiresExternalId ? 'critical' : trust.requiresExternalId ? 'medium' : 'high';
  const order: Severity[] = ['critical', 'high', 'medium', 'low'];
  const severity = trusts.map(severityOf).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
  return [context.finding('role-trusts-outside-organization', severity, 'iam-role', role.roleName, `may be assumed from outside the organization by ${trusts.map(describeTrust).join('; ')}`)];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** A statement allowing every action on every resource, with no condition: `*:*` (CIS v7.0 2.14, Security Hub IAM.1). */
export function allowsFullAdministration(document: string): boolean {
  return parseStatements(document).some(
    (statement) =>
      statement.Effect === 'Allow' &&
      statement.Condition === undefined &&
      list(statement.Action).some((action) => action === '*' || action === '*:*') &&
      list(statement.Resource).includes('*'),
  );
}

/**
 * Every user and role a `*:*` managed policy is attached to, directly or (for users) through a
 * group; a group without members gives no finding.
 */
function adminPolicyAttached(context: AccessRuleContext): Finding[] {
  const inventory = context.account.inventory;
  if (!inventory) return [];
  const admin = new Set(inventory.policies.filter((policy) => policy.document !== null && allowsFullAdministration(policy.document)).map((policy) => policy.arn));
  if (admin.size === 0) return [];
  const adminNames = (policies: readonly { name: string; arn: string }[]) => policies.filter((policy) => admin.has(policy.arn)).map((policy) => policy.name);
  const groups = new Map(inventory.groups.map((group) => [group.groupName, adminNames(group.attachedPolicies)]));
  const findings: Finding[] = [];
  for (const user of inventory.users) {
    const grants = [...adminNames(user.attachedPolicies), ...user.groups.flatMap((group) => (groups.get(group) ?? []).map((name) => `${name} (group ${group})`))];
    if (grants.length > 0) findings.push(context.finding('admin-policy-attached', 'high', 'iam-user', user.userName, `policy allowing *:* attached: ${grants.join(', ')}`));
  }
  for (const role of inventory.roles) {
    const grants = adminNames(role.attachedPolicies);
    if (grants.length > 0) findings.push(context.finding('admin-policy-attached', 'high', 'iam-role', role.roleName, `policy allowing *:* attached: ${grants.join(', ')}`));
  }
  return findings;
}

/** One finding per admin role of the account that principals of other accounts can reach, all of them in the evidence. */
function crossAccountAdminPaths(context: AccessRuleContext): Finding[] {
  const byRole = new Map<string, AccessPath[]>();
  for (const path of context.pathsInto) {
    if (path.privilege !== 'admin') continue;
    const roleArn = path.roles[path.roles.length - 1];
    byRole.set(roleArn, [...(byRole.get(roleArn) ?? []), path]);
  }
  const findings: Finding[] = [];
  for (const [roleArn, paths] of byRole) {
    const roleName = context.account.inventory?.roles.find((role) => role.arn === roleArn)?.roleName ?? roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const described = paths.map((path) => `${path.fromArn} (${path.roles.length === 1 ? 'assumes it' : `assumes ${path.roles.slice(0, -1).join(', then ')}, then it`})`);
    findings.push(context.finding('cross-account-admin-path', 'high', 'iam-role', roleName, `admin role reachable from other accounts of the organization by ${plural(paths.length, 'principal')}: ${described.join('; ')}`));
  }
  return findings;
}

export function accessRules(context: AccessRuleContext): Finding[] {
  const inventory = context.account.inventory;
  if (inventory === undefined || inventory === null) return [];
  const findings: Finding[] = [...weakPasswordPolicy(context), ...adminPolicyAttached(context), ...crossAccountAdminPaths(context)];
  for (const user of inventory.users) findings.push(...quarantinedKey(context, user), ...directlyAttached(context, user));
  for (const role of inventory.roles) findings.push(...unusedRole(context, role), ...trustedFromOutside(context, role));
  return findings;
}
