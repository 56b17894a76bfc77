// Run-to-run comparison (`--compare <previous iam_audit_*.json>`): what changed since the last
// audit. The previous file is read as untrusted input: its schema version and the shape of every
// record the comparison uses are checked, and a bad file fails with a message that says where.
// Findings are re-evaluated on the previous records with today's thresholds, so a changed flag
// does not show up as a change in the organization.
import { evaluateFindings, type Finding, type FindingThresholds } from './findings';
import { DEFAULT_THRESHOLDS } from './findings/thresholds';
import { auditRunWith, SCHEMA_VERSION, type AccessKeyRecord, type AccountAudit, type AuditRun } from '../model';
import { recordedReason } from '../coverage-reasons';
import { parseJsonFile } from '../values/json-text';
import { hasMfa } from './facts';

export class PreviousReportError extends Error {
  override readonly name = 'PreviousReportError';
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(source: string, where: string, expected: string): never {
  throw new PreviousReportError(`${source}: ${where} should be ${expected}; is this an iam_audit_*.json report of this auditor?`);
}

function checkObject(value: unknown, source: string, where: string): JsonObject {
  if (!isObject(value)) fail(source, where, 'an object');
  return value;
}

function checkArray(value: unknown, source: string, where: string): unknown[] {
  if (!Array.isArray(value)) fail(source, where, 'an array');
  return value;
}

function checkString(record: JsonObject, field: string, source: string, where: string): void {
  if (typeof record[field] !== 'string') fail(source, `${where}.${field}`, 'a string');
}

function checkDate(record: JsonObject, field: string, source: string, where: string, nullable: boolean): void {
  const value = record[field];
  if (value === null && nullable) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail(source, `${where}.${field}`, nullable ? 'a date or null' : 'a date');
}

function checkBoolean(record: JsonObject, field: string, source: string, where: string, nullable = false): void {
  const value = record[field];
  if (!(typeof value === 'boolean' || (nullable && value === null))) fail(source, `${where}.${field}`, 'true or false');
}

function checkOneOf(record: JsonObject, field: string, allowed: readonly (string | null)[], source: string, where: string): void {
  if (!allowed.includes(record[field] as string | null)) fail(source, `${where}.${field}`, `one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`);
}

function checkNumberOrNull(record: JsonObject, field: string, source: string, where: string): void {
  const value = record[field];
  if (!(value === null || (typeof value === 'number' && Number.isFinite(value)))) fail(source, `${where}.${field}`, 'a number or null');
}

function checkPolicies(record: JsonObject, source: string, where: string): void {
  checkArray(record.attachedPolicies, source, `${where}.attachedPolicies`).forEach((entry, index) => {
    const policy = checkObject(entry, source, `${where}.attachedPolicies[${index}]`);
    for (const field of ['name', 'arn']) checkString(policy, field, source, `${where}.attachedPolicies[${index}]`);
  });
  checkArray(record.inlinePolicies, source, `${where}.inlinePolicies`).forEach((entry, index) => {
    const policy = checkObject(entry, source, `${where}.inlinePolicies[${index}]`);
    for (const field of ['name', 'document']) checkString(policy, field, source, `${where}.inlinePolicies[${index}]`);
  });
}

/** The inventory's records as the access rules read them (access-rules.ts). */
function checkInventory(value: unknown, source: string, where: string): void {
  const inventory = checkObject(value, source, where);
  checkArray(inventory.users, source, `${where}.users`).forEach((entry, index) => {
    const user = checkObject(entry, source, `${where}.users[${index}]`);
    checkString(user, 'userName', source, `${where}.users[${index}]`);
    if (!checkArray(user.groups, source, `${where}.users[${index}].groups`).every((group) => typeof group === 'string')) fail(source, `${where}.users[${index}].groups`, 'a list of strings');
    checkPolicies(user, source, `${where}.users[${index}]`);
  });
  checkArray(inventory.groups, source, `${where}.groups`).forEach((entry, index) => {
    const group = checkObject(entry, source, `${where}.groups[${index}]`);
    checkString(group, 'groupName', source, `${where}.groups[${index}]`);
    checkPolicies(group, source, `${where}.groups[${index}]`);
  });
  checkArray(inventory.roles, source, `${where}.roles`).forEach((entry, index) => {
    const role = checkObject(entry, source, `${where}.roles[${index}]`);
    for (const field of ['roleName', 'arn', 'path', 'createdDate', 'trustPolicy']) checkString(role, field, source, `${where}.roles[${index}]`);
    checkDate(role, 'lastUsed', source, `${where}.roles[${index}]`, true);
    checkPolicies(role, source, `${where}.roles[${index}]`);
  });
  checkArray(inventory.policies, source, `${where}.policies`).forEach((entry, index) => {
    const policy = checkObject(entry, source, `${where}.policies[${index}]`);
    checkString(policy, 'arn', source, `${where}.policies[${index}]`);
    if (!(policy.document === null || typeof policy.document === 'string')) fail(source, `${where}.policies[${index}].document`, 'a string or null');
  });
  if (inventory.passwordPolicy === 'none' || inventory.passwordPolicy === 'unknown') return;
  const passwordPolicy = checkObject(inventory.passwordPolicy, source, `${where}.passwordPolicy`);
  for (const field of ['minimumLength', 'reusePrevention']) checkNumberOrNull(passwordPolicy, field, source, `${where}.passwordPolicy`);
}

function checkAccount(value: unknown, source: string, where: string): void {
  const audit = checkObject(value, source, where);
  const account = checkObject(audit.account, source, `${where}.account`);
  for (const field of ['id', 'name', 'state']) checkString(account, field, source, `${where}.account`);
  const coverage = checkObject(audit.coverage, source, `${where}.coverage`);
  checkOneOf(coverage, 'audited', ['yes', 'partial', 'no'], source, `${where}.coverage`);
  checkOneOf(coverage, 'skipped', ['state', 'filter', null], source, `${where}.coverage`);
  checkOneOf(coverage, 'userSource', ['credential-report', 'per-user', 'none'], source, `${where}.coverage`);
  checkString(coverage, 'accountId', source, `${where}.coverage`);
  checkString(coverage, 'accountName', source, `${where}.coverage`);
  if (!checkArray(coverage.errors, source, `${where}.coverage.errors`).every((error) => typeof error === 'string')) fail(source, `${where}.coverage.errors`, 'a list of strings');
  checkArray(audit.events, source, `${where}.events`);
  checkArray(audit.users, source, `${where}.users`).forEach((entry, userIndex) => {
    const userWhere = `${where}.users[${userIndex}]`;
    const user = checkObject(entry, source, userWhere);
    checkString(user, 'userName', source, userWhere);
    checkDate(user, 'createdDate', source, userWhere, false);
    checkBoolean(user, 'passwordEnabled', source, userWhere);
    checkDate(user, 'passwordLastUsed', source, userWhere, true);
    checkBoolean(user, 'mfaActive', source, userWhere);
    checkOneOf(user, 'mfaType', ['Virtual', 'Hardware', 'SecurityKey', 'None', 'Unknown'], source, userWhere);
    checkArray(user.accessKeys, source, `${userWhere}.accessKeys`).forEach((keyEntry, keyIndex) => {
      const keyWhere = `${userWhere}.accessKeys[${keyIndex}]`;
      const key = checkObject(keyEntry, source, keyWhere);
      checkString(key, 'accessKeyId', source, keyWhere);
      checkOneOf(key, 'status', ['Active', 'Inactive', 'Expired'], source, keyWhere);
      checkDate(key, 'createdDate', source, keyWhere, false);
      checkDate(key, 'lastUsedDate', source, keyWhere, true);
    });
  });
  if (audit.inventory !== undefined && audit.inventory !== null) checkInventory(audit.inventory, source, `${where}.inventory`);
  if (audit.root !== null) {
    const root = checkObject(audit.root, source, `${where}.root`);
    checkBoolean(root, 'mfaEnabled', source, `${where}.root`);
    checkBoolean(root, 'accessKeysActive', source, `${where}.root`);
    checkBoolean(root, 'signingCertificatesActive', source, `${where}.root`);
    checkBoolean(root, 'passwordEnabled', source, `${where}.root`, true);
    checkOneOf(root, 'mfaType', ['Virtual', 'Hardware', 'None', 'Unknown'], source, `${where}.root`);
  }
}

/** Parses a previous JSON report; `source` names it in errors (a path or an s3:// URI). */
export function parsePreviousRun(text: string, source: string): AuditRun {
  return checkPreviousRun(parseJsonFile(text, source, (message) => new PreviousReportError(message)), source);
}

/** Checks that a parsed document is a JSON report of this auditor, with every record the comparison reads. */
export function checkPreviousRun(parsed: unknown, source: string): AuditRun {
  const report = checkObject(parsed, source, 'the file');
  if (report.schemaVersion !== SCHEMA_VERSION) {
    throw new PreviousReportError(`${source}: schemaVersion ${JSON.stringify(report.schemaVersion)} cannot be compared; this auditor reads schemaVersion ${SCHEMA_VERSION}`);
  }
  checkString(report, 'runTimestamp', source, 'the file');
  checkDate(report, 'startedAt', source, 'the file', false);
  checkArray(report.accounts, source, 'accounts').forEach((account, index) => checkAccount(account, source, `accounts[${index}]`));
  const run = report as unknown as AuditRun;
  // The report holds each coverage reason as its text (coverage-reasons.ts): read back, it is that text.
  for (const audit of run.accounts) audit.coverage.errors = (audit.coverage.errors as unknown as string[]).map(recordedReason);
  return run;
}

/**
 * What the comparison keeps of a previous run: its identity and every account's records (users,
 * root and the inventory the findings are evaluated from), without its CloudTrail
 * events and without the findings, maturity and summary its JSON report also holds (they are
 * evaluated again from the records). A large organization's previous run is then held beside the
 * current one at the least cost in memory.
 */
export function comparableRun(previous: AuditRun): AuditRun {
  return auditRunWith(
    previous,
    previous.accounts.map(({ account, coverage, users, root, inventory }) => ({ account, coverage, users, root, events: [], ...(inventory === undefined ? {} : { inventory }) })),
  );
}

export interface KeyChange {
  accountId: string;
  accountName: string;
  userName: string;
  accessKeyId: string;
  createdDate: string;
}

export interface UserChange {
  accountId: string;
  accountName: string;
  userName: string;
  mfaType: string;
}

export interface FindingChange {
  key: string;
  ruleId: string;
  severity: Finding['severity'];
  accountId: string;
  accountName: string;
  resource: string;
  title: string;
}

export interface RunComparison {
  previousRunTimestamp: string;
  currentRunTimestamp: string;
  /** Keys that appeared in accounts whose users were read in both runs. */
  newAccessKeys: KeyChange[];
  /** Keys gone from accounts whose users were read in both runs (an account not seen now removes nothing). */
  removedAccessKeys: KeyChange[];
  usersWhoGainedMfa: UserChange[];
  newFindings: FindingChange[];
  /** Gone from an account that was audited this time; a finding in an account not seen now is not resolved. */
  resolvedFindings: FindingChange[];
}

function usersWereRead(account: AccountAudit): boolean {
  return account.coverage.audited !== 'no' && account.coverage.userSource !== 'none';
}

function keysOf(run: AuditRun): Map<string, KeyChange> {
  const keys = new Map<string, KeyChange>();
  for (const account of run.accounts) {
    for (const user of account.users) {
      for (const key of user.accessKeys as AccessKeyRecord[]) {
        keys.set(`${account.account.id}|${key.accessKeyId}`, {
          accountId: account.account.id, accountName: account.account.name, userName: user.userName, accessKeyId: key.accessKeyId, createdDate: key.createdDate,
        });
      }
    }
  }
  return keys;
}

function findingChange(finding: Finding): FindingChange {
  const { key, ruleId, severity, accountId, accountName, resource, title } = finding;
  return { key, ruleId, severity, accountId, accountName, resource, title };
}

export function compareRuns(previous: AuditRun, current: AuditRun, thresholds: FindingThresholds = DEFAULT_THRESHOLDS, currentFindings?: readonly Finding[]): RunComparison {
  const readNow = new Set(current.accounts.filter(usersWereRead).map((account) => account.account.id));
  const readBefore = new Set(previous.accounts.filter(usersWereRead).map((account) => account.account.id));
  const auditedNow = new Set(current.accounts.filter((account) => account.coverage.audited !== 'no').map((account) => account.account.id));

  const previousKeys = keysOf(previous);
  const currentKeys = keysOf(current);
  const newAccessKeys = [...currentKeys].filter(([id, key]) => !previousKeys.has(id) && readBefore.has(key.accountId)).map(([, key]) => key);
  const removedAccessKeys = [...previousKeys].filter(([id, key]) => !currentKeys.has(id) && readNow.has(key.accountId)).map(([, key]) => key);

  const previousMfa = new Map<string, boolean>();
  for (const account of previous.accounts) for (const user of account.users) previousMfa.set(`${account.account.id}|${user.userName}`, hasMfa(user));
  const usersWhoGainedMfa: UserChange[] = [];
  for (const account of current.accounts) {
    for (const user of account.users) {
      if (hasMfa(user) && previousMfa.get(`${account.account.id}|${user.userName}`) === false) {
        usersWhoGainedMfa.push({ accountId: account.account.id, accountName: account.account.name, userName: user.userName, mfaType: user.mfaType });
      }
    }
  }

  const before = evaluateFindings(previous, thresholds);
  const now = currentFindings ?? evaluateFindings(current, thresholds);
  const beforeKeys = new Set(before.map((finding) => finding.key));
  const nowKeys = new Set(now.map((finding) => finding.key));
  return {
    previousRunTimestamp: previous.runTimestamp,
    currentRunTimestamp: current.runTimestamp,
    newAccessKeys,
    removedAccessKeys,
    usersWhoGainedMfa,
    newFindings: now.filter((finding) => !beforeKeys.has(finding.key)).map(findingChange),
    resolvedFindings: before.filter((finding) => !nowKeys.has(finding.key) && auditedNow.has(finding.accountId)).map(findingChange),
  };
}

export function formatComparison(comparison: RunComparison): string {
  const lines = [
    `Changes since ${comparison.previousRunTimestamp}`,
    `  access keys: ${comparison.newAccessKeys.length} new, ${comparison.removedAccessKeys.length} removed`,
    `  users who gained MFA: ${comparison.usersWhoGainedMfa.length}`,
    `  findings: ${comparison.newFindings.length} new, ${comparison.resolvedFindings.length} resolved`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A comparison in figures, for the run result and the notification. */
export interface ComparisonCounts {
  /** Where the previous run was read: a path or an s3:// URI. */
  previousRun: string;
  previousRunTimestamp: string;
  newAccessKeys: number;
  removedAccessKeys: number;
  usersWhoGainedMfa: number;
  newFindings: number;
  resolvedFindings: number;
}

export function comparisonCounts(comparison: RunComparison, previousRun: string): ComparisonCounts {
  return {
    previousRun,
    previousRunTimestamp: comparison.previousRunTimestamp,
    newAccessKeys: comparison.newAccessKeys.length,
    removedAccessKeys: comparison.removedAccessKeys.length,
    usersWhoGainedMfa: comparison.usersWhoGainedMfa.length,
    newFindings: comparison.newFindings.length,
    resolvedFindings: comparison.resolvedFindings.length,
  };
}
