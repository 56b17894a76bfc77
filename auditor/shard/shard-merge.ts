// `merge`: the shards' parts of one run back into the run a single task would have made. Parts
// are read as untrusted input and checked before anything is written: one schema, one run time,
// one shard count, every shard exactly once, the same organization listing, filters and audit
// settings, and each part holding exactly the accounts of its slice.
import { parsePreviousRun, PreviousReportError } from '../analysis/comparison';
import { auditRunWith, SCHEMA_VERSION, type AccountAudit, type AuditRun, type ShardTag } from '../model';
import { parseJsonFile } from '../values/json-text';
import { accountsOfShard, formatShard } from './shard';

export class ShardMergeError extends Error {
  override readonly name = 'ShardMergeError';
}

export interface ShardPart {
  /** Where it was read from: a path or an s3:// URI. */
  source: string;
  run: AuditRun;
  shard: ShardTag;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function checkShardTag(value: unknown, source: string): ShardTag {
  if (!isObject(value)) throw new ShardMergeError(`${source}: not a shard's part (it has no "shard" field); merge reads the iam_audit_<ts>_shard-<i>-of-<n>.json files that --shard writes`);
  const { index, count, accountIds, includeAccounts, excludeAccounts } = value;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  if (!whole(index) || !whole(count) || count < 1 || index < 1 || index > count) throw new ShardMergeError(`${source}: shard.index and shard.count should be whole numbers with 1 <= index <= count`);
  if (!isStringList(accountIds)) throw new ShardMergeError(`${source}: shard.accountIds should be a list of account ids`);
  for (const [field, ids] of [['includeAccounts', includeAccounts], ['excludeAccounts', excludeAccounts]] as const) {
    if (ids !== null && !isStringList(ids)) throw new ShardMergeError(`${source}: shard.${field} should be null or a list of account ids`);
  }
  return { index, count, accountIds, includeAccounts: includeAccounts as string[] | null, excludeAccounts: excludeAccounts as string[] | null };
}

/** A shard's part from its JSON text; `source` names it in errors. */
export function parseShardPart(text: string, source: string): ShardPart {
  const parsed = parseJsonFile(text, source, (message) => new ShardMergeError(message));
  if (!isObject(parsed)) throw new ShardMergeError(`${source}: not a shard's part (not a JSON object)`);
  if (parsed.schemaVersion !== SCHEMA_VERSION) {
    throw new ShardMergeError(`${source}: schemaVersion ${JSON.stringify(parsed.schemaVersion)} cannot be merged by this auditor (schemaVersion ${SCHEMA_VERSION}); run every shard with the same version`);
  }
  const shard = checkShardTag(parsed.shard, source);
  let report: AuditRun;
  try {
    report = parsePreviousRun(text, source);
  } catch (error) {
    if (error instanceof PreviousReportError) throw new ShardMergeError(error.message);
    throw error;
  }
  const cloudTrail = report.cloudTrail as unknown;
  const wellFormed =
    typeof report.finishedAt === 'string' && !Number.isNaN(Date.parse(report.finishedAt)) &&
    typeof report.partition === 'string' && typeof report.roleName === 'string' &&
    (report.managementAccountId === null || typeof report.managementAccountId === 'string') &&
    isObject(cloudTrail) && typeof cloudTrail.enabled === 'boolean' && typeof cloudTrail.region === 'string' && typeof cloudTrail.sinceDays === 'number';
  if (!wellFormed) throw new ShardMergeError(`${source}: finishedAt, partition, managementAccountId, roleName and cloudTrail should be those of an iam_audit_*.json report`);
  // Only the run's own fields: the part's summary is its slice's and is recomputed for the whole.
  return { source, run: auditRunWith(report, report.accounts), shard };
}

function describe(part: ShardPart): string {
  return `shard ${formatShard(part.shard)} (${part.source})`;
}

function listDifference(a: readonly string[], b: readonly string[]): string {
  const inB = new Set(b);
  const inA = new Set(a);
  const onlyA = a.filter((id) => !inB.has(id));
  const onlyB = b.filter((id) => !inA.has(id));
  const parts: string[] = [];
  if (onlyA.length > 0) parts.push(`only in the first: ${onlyA.join(', ')}`);
  if (onlyB.length > 0) parts.push(`only in the second: ${onlyB.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'the same accounts in another order';
}

/** Every part has the same count and every index appears exactly once. */
function checkCompleteness(parts: readonly ShardPart[]): void {
  const counts = [...new Set(parts.map((part) => part.shard.count))].sort((a, b) => a - b);
  if (counts.length > 1) {
    const groups = counts.map((count) => `${count} (${parts.filter((part) => part.shard.count === count).map((part) => part.source).join(', ')})`);
    throw new ShardMergeError(`the parts were made with different shard counts: ${groups.join('; ')}`);
  }
  const count = counts[0];
  const byIndex = new Map<number, ShardPart[]>();
  for (const part of parts) byIndex.set(part.shard.index, [...(byIndex.get(part.shard.index) ?? []), part]);
  for (const [index, found] of [...byIndex].sort(([a], [b]) => a - b)) {
    if (found.length > 1) throw new ShardMergeError(`shard ${index}/${count} was found ${found.length} times: ${found.map((part) => part.source).join(', ')}`);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    const found = [...byIndex.keys()].sort((a, b) => a - b).map((index) => `${index}/${count}`);
    throw new ShardMergeError(`${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((index) => `${index}/${count}`).join(', ')} of run ${parts[0].run.runTimestamp} ${missing.length === 1 ? 'is' : 'are'} missing (found ${found.join(', ')})`);
  }
}

/** What every part of one run must agree on, each with how to say the two values. */
const SHARED_FIELDS: ReadonlyArray<{ name: string; value(part: ShardPart): unknown }> = [
  { name: 'run time (startedAt)', value: (part) => part.run.startedAt },
  { name: 'run timestamp', value: (part) => part.run.runTimestamp },
  { name: 'partition', value: (part) => part.run.partition },
  { name: 'management account', value: (part) => part.run.managementAccountId },
  { name: 'organization id', value: (part) => part.run.organizationId ?? null },
  { name: 'audit role', value: (part) => part.run.roleName },
  { name: 'CloudTrail settings', value: (part) => part.run.cloudTrail },
  { name: '--accounts', value: (part) => part.shard.includeAccounts },
  { name: '--exclude-accounts', value: (part) => part.shard.excludeAccounts },
];

function checkSameRun(first: ShardPart, part: ShardPart): void {
  for (const field of SHARED_FIELDS) {
    const expected = JSON.stringify(field.value(first));
    const actual = JSON.stringify(field.value(part));
    if (expected !== actual) throw new ShardMergeError(`${describe(part)} differs from ${describe(first)} in ${field.name}: ${actual} instead of ${expected}; every shard of a run must share it`);
  }
  if (JSON.stringify(first.shard.accountIds) !== JSON.stringify(part.shard.accountIds)) {
    throw new ShardMergeError(`${describe(part)} saw another organization listing than ${describe(first)} (${listDifference(first.shard.accountIds, part.shard.accountIds)}); run the shards again with one run time`);
  }
}

/** The part holds exactly its slice of the listing, in listing order. */
function checkSlice(part: ShardPart): void {
  const expected = accountsOfShard(part.shard.accountIds.map((id) => ({ id })), part.shard).map((account) => account.id);
  const actual = part.run.accounts.map((audit) => audit.account.id);
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    throw new ShardMergeError(`${describe(part)} does not hold exactly the accounts of its slice (${listDifference(expected, actual)})`);
  }
}

/**
 * One run from every shard's part: the accounts in the organization's listing order, the latest
 * finishedAt, and no shard tag, exactly as one task auditing everything would have made it.
 * Throws ShardMergeError, naming what is missing or inconsistent.
 */
export function mergeShardParts(parts: readonly ShardPart[]): AuditRun {
  if (parts.length === 0) throw new ShardMergeError('no shard parts to merge');
  checkCompleteness(parts);
  const ordered = [...parts].sort((a, b) => a.shard.index - b.shard.index);
  const [first] = ordered;
  for (const part of ordered) {
    checkSameRun(first, part);
    checkSlice(part);
  }
  const byId = new Map<string, AccountAudit>();
  for (const part of ordered) for (const audit of part.run.accounts) byId.set(audit.account.id, audit);
  const accounts = first.shard.accountIds.map((id) => {
    const audit = byId.get(id);
    // checkSlice has placed every listed account in exactly one part.
    if (audit === undefined) throw new ShardMergeError(`account ${id} is in no part`);
    return audit;
  });
  const finishedAt = ordered.map((part) => part.run.finishedAt).reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
  return { ...auditRunWith(first.run, accounts), finishedAt };
}
