// The rules: pure functions from the run's records to findings. Ages are measured from the run's
// start, not the wall clock, so re-reading an old report gives the same findings.
import type { AccessKeyRecord, AccessPath, AccountAudit, AuditRun, IamUserRecord } from '../../model';
import { coverageReasonText } from '../../coverage-reasons';
import { compareFindings, type Finding, type FindingResourceType, type Severity } from './finding';
import { RULE_CATALOGUE, type RuleId } from './rule-catalogue';
import { DEFAULT_THRESHOLDS, validateThresholds, type FindingThresholds } from './thresholds';
import { accessRules } from './access-rules';
import { plural } from '../../values/plural';
import { describePrivilege, isPrivileged, principalPrivilege } from '../access/privileges';
import {
  ageInDays,
  hasMfa,
  isActiveKey,
  isConsoleUser,
  isAuditIncomplete,
  isOlderThan,
  isUnusedFor,
  isWithin,
  keyAgeDays,
  keyIdleDays,
  passwordIdleDays,
  rootCredentials,
  runReference,
} from '../facts';

interface RuleContext {
  account: AccountAudit;
  /** Milliseconds since the epoch of the run's start. */
  reference: number;
  thresholds: FindingThresholds;
}

function finding(
  context: RuleContext,
  ruleId: RuleId,
  severity: Severity,
  resourceType: FindingResourceType,
  resource: string,
  evidence: string,
): Finding {
  return buildFinding(context.account.account, context.thresholds, ruleId, severity, resourceType, resource, evidence);
}

/** A finding of `ruleId` in `account`, with the catalogue's title (as the thresholds make it), remediation and controls. */
export function buildFinding(
  account: { id: string; name: string },
  thresholds: FindingThresholds,
  ruleId: RuleId,
  severity: Severity,
  resourceType: FindingResourceType,
  resource: string,
  evidence: string,
): Finding {
  const rule = RULE_CATALOGUE[ruleId];
  return {
    key: `${ruleId}|${account.id}|${resource}`,
    ruleId,
    title: rule.title(thresholds),
    severity,
    accountId: account.id,
    accountName: account.name,
    resourceType,
    resource,
    evidence,
    remediation: rule.remediation,
    controls: { cisV7: [...rule.controls.cisV7], cisV5: [...rule.controls.cisV5], securityHub: [...rule.controls.securityHub], smm: [...rule.controls.smm] },
  };
}

function keyResource(user: IamUserRecord, key: AccessKeyRecord): string {
  return `${user.userName}/${key.accessKeyId}`;
}

function consoleUserWithoutMfa(context: RuleContext, user: IamUserRecord): Finding[] {
  if (!isConsoleUser(user) || hasMfa(user)) return [];
  const { recentLoginDays } = context.thresholds;
  const daysSinceLogin = user.passwordLastUsed === null ? null : ageInDays(context.reference, user.passwordLastUsed);
  const recent = daysSinceLogin !== null && isWithin(daysSinceLogin, recentLoginDays);
  const lastUse = daysSinceLogin === null ? 'the password was never used' : `password last used ${user.passwordLastUsed} (${plural(daysSinceLogin, 'day')} ago)`;
  // A privileged password without MFA is one phished password away from the account, signed in lately or not.
  const privilege = principalPrivilege(context.account, 'user', user.userName);
  const privileged = privilege !== undefined && isPrivileged(privilege.privilege);
  const privilegeText = privileged ? `; ${describePrivilege(privilege)}` : '';
  return [finding(context, 'console-user-without-mfa', recent || privileged ? 'critical' : 'high', 'iam-user', user.userName, `console password enabled, no MFA device; ${lastUse}${privilegeText}`)];
}

function accessKeyRules(context: RuleContext, user: IamUserRecord): Finding[] {
  const { keyMaxAgeDays, keyCriticalAgeDays, unusedDays } = context.thresholds;
  const findings: Finding[] = [];
  const activeKeys = user.accessKeys.filter(isActiveKey);
  for (const key of activeKeys) {
    const resource = keyResource(user, key);
    const age = keyAgeDays(key, context.reference);
    const lastUse = key.lastUsedDate === null ? 'never used' : `last used ${key.lastUsedDate}${key.lastUsedService ? ` (${key.lastUsedService})` : ''}`;
    if (isOlderThan(age, keyCriticalAgeDays)) {
      findings.push(finding(context, 'access-key-very-old', 'high', 'access-key', resource, `active key created ${key.createdDate}, ${plural(age, 'day')} old (limit ${keyCriticalAgeDays}); ${lastUse}`));
    } else if (isOlderThan(age, keyMaxAgeDays)) {
      findings.push(finding(context, 'access-key-not-rotated', 'medium', 'access-key', resource, `active key created ${key.createdDate}, ${plural(age, 'day')} old (limit ${keyMaxAgeDays}); ${lastUse}`));
    }
    const idle = keyIdleDays(key, context.reference);
    if (idle === null) {
      const severity: Severity = isOlderThan(age, unusedDays) ? 'medium' : 'low';
      findings.push(finding(context, 'access-key-never-used', severity, 'access-key', resource, `active key created ${key.createdDate} (${plural(age, 'day')} ago) and never used`));
    } else {
      if (isUnusedFor(idle, unusedDays)) {
        findings.push(finding(context, 'credentials-unused', 'medium', 'access-key', resource, `active key last used ${key.lastUsedDate}, ${plural(idle, 'day')} ago (limit ${unusedDays})`));
      }
    }
  }
  const privilege = principalPrivilege(context.account, 'user', user.userName);
  if (privilege !== undefined && isPrivileged(privilege.privilege)) {
    for (const key of activeKeys) {
      const age = keyAgeDays(key, context.reference);
      const lastUse = key.lastUsedDate === null ? 'never used' : `last used ${key.lastUsedDate}`;
      findings.push(finding(context, 'privileged-user-access-key', isOlderThan(age, keyCriticalAgeDays) ? 'critical' : 'high', 'access-key', keyResource(user, key), `user is ${describePrivilege(privilege)}; active key created ${key.createdDate}, ${plural(age, 'day')} old, ${lastUse}`));
    }
  }
  if (activeKeys.length >= 2) {
    findings.push(finding(context, 'user-with-two-active-keys', 'low', 'iam-user', user.userName, `${activeKeys.length} active keys: ${activeKeys.map((key) => key.accessKeyId).join(', ')}`));
  }
  return findings;
}

function unusedPassword(context: RuleContext, user: IamUserRecord): Finding[] {
  if (!isConsoleUser(user)) return [];
  const { unusedDays } = context.thresholds;
  // A password never used counts from the user's creation: a new user has time to sign in.
  const idle = passwordIdleDays(user, context.reference);
  if (!isUnusedFor(idle, unusedDays)) return [];
  const evidence = user.passwordLastUsed === null
    ? `console password never used; user created ${user.createdDate}, ${plural(idle, 'day')} ago (limit ${unusedDays})`
    : `console password last used ${user.passwordLastUsed}, ${plural(idle, 'day')} ago (limit ${unusedDays})`;
  return [finding(context, 'credentials-unused', 'medium', 'iam-user', user.userName, evidence)];
}

function rootRules(context: RuleContext): Finding[] {
  const root = context.account.root;
  if (root === null) return [];
  const findings: Finding[] = [];
  if (root.accessKeysActive) {
    findings.push(finding(context, 'root-access-key-active', 'critical', 'root', 'root', `root user has an active access key (${root.accessKeysPresent} present)`));
  }
  if (!root.mfaEnabled && rootCredentials(root).length > 0) {
    const password = root.passwordEnabled === false ? 'no root password, root access key present' : root.passwordLastUsed === null ? 'root password never used' : `root password last used ${root.passwordLastUsed}`;
    findings.push(finding(context, 'root-without-mfa', 'critical', 'root', 'root', `root user has no MFA device; ${password}`));
  } else if (root.mfaType === 'Virtual') {
    findings.push(finding(context, 'root-virtual-mfa-only', 'low', 'root', 'root', 'root user MFA is a virtual device'));
  }
  if (root.signingCertificatesActive) {
    findings.push(finding(context, 'root-signing-certificate-active', 'medium', 'root', 'root', 'root user has an active X.509 signing certificate'));
  }
  return findings;
}

function coverageRules(context: RuleContext): Finding[] {
  const { coverage } = context.account;
  if (!isAuditIncomplete(context.account)) return [];
  const reasons = coverage.errors.length > 0 ? coverage.errors.map(coverageReasonText).join('; ') : 'no reason recorded';
  if (coverage.audited === 'no') {
    return [finding(context, 'account-not-audited', 'high', 'account', coverage.accountId, `not audited: ${reasons}`)];
  }
  return [finding(context, 'account-partially-audited', 'medium', 'account', coverage.accountId, `partially audited (users from ${coverage.userSource}): ${reasons}`)];
}

/** `organizationAccountIds`: every account Organizations listed; principals of others are outside. */
export function evaluateAccount(
  account: AccountAudit,
  reference: number,
  thresholds: FindingThresholds,
  organizationAccountIds: ReadonlySet<string> = new Set([account.account.id]),
  organizationId: string | null = null,
  pathsInto: readonly AccessPath[] = [],
): Finding[] {
  const context: RuleContext = { account, reference, thresholds };
  const make = (ruleId: RuleId, severity: Severity, resourceType: FindingResourceType, resource: string, evidence: string) => finding(context, ruleId, severity, resourceType, resource, evidence);
  const findings = [...coverageRules(context), ...rootRules(context), ...accessRules({ account, reference, thresholds, organizationAccountIds, organizationId, pathsInto, finding: make })];
  for (const user of account.users) {
    findings.push(...consoleUserWithoutMfa(context, user), ...unusedPassword(context, user), ...accessKeyRules(context, user));
  }
  return findings;
}

/** Every finding of the run, worst first. */
export function evaluateFindings(run: AuditRun, thresholds: FindingThresholds = DEFAULT_THRESHOLDS): Finding[] {
  validateThresholds(thresholds);
  const reference = runReference(run);
  const organizationAccountIds = new Set(run.accounts.map((account) => account.account.id));
  const paths = run.accessPaths ?? [];
  return run.accounts
    .flatMap((account) => evaluateAccount(account, reference, thresholds, organizationAccountIds, run.organizationId ?? null, paths.filter((path) => path.toAccountId === account.account.id)))
    .sort(compareFindings);
}
