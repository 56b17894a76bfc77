// `--shard <i>/<n>`: n tasks share a very large organization, each auditing a stable slice of its
// accounts. An account's shard depends only on its id and n (a hash, not its place in the
// listing), so accounts joining or leaving the organization never move the others to another
// shard. Each shard writes one part (`iam_audit_<ts>_shard-<i>-of-<n>.json`); `merge` puts the
// parts back together into the run a single task would have made.
import { createHash } from 'node:crypto';
import type { OrgAccount } from '../model';

export type { ShardTag } from '../model';



export interface ShardSelection {
  /** 1-based. */
  index: number;
  count: number;
}

/** The 1-based shard an account belongs to out of `count`: sha256 of its id, modulo `count`. */
export function shardOfAccount(accountId: string, count: number): number {
  const digest = createHash('sha256').update(accountId, 'utf8').digest('hex');
  return Number(BigInt(`0x${digest}`) % BigInt(count)) + 1;
}

/** The accounts of the listing that belong to `shard`, in listing order. */
export function accountsOfShard<T extends Pick<OrgAccount, 'id'>>(accounts: readonly T[], shard: ShardSelection): T[] {
  return accounts.filter((account) => shardOfAccount(account.id, shard.count) === shard.index);
}

export function formatShard(shard: ShardSelection): string {
  return `${shard.index}/${shard.count}`;
}

/** `iam_audit_<ts>_shard-<i>-of-<n>.json`: never taken for a whole run's `iam_audit_<ts>.json`. */
export function shardReportFileName(runTimestamp: string, shard: ShardSelection): string {
  return `iam_audit_${runTimestamp}_shard-${shard.index}-of-${shard.count}.json`;
}

export interface ShardReportName {
  runTimestamp: string;
  index: number;
  count: number;
}

const SHARD_REPORT_NAME = /(?:^|\/)iam_audit_(\d{8}T\d{6}Z)_shard-(\d{1,3})-of-(\d{1,3})\.json$/;

/** The run and shard a part's file name (or S3 key) stands for, or null for any other file. */
export function parseShardReportName(name: string): ShardReportName | null {
  const match = SHARD_REPORT_NAME.exec(name);
  if (!match) return null;
  return { runTimestamp: match[1], index: Number(match[2]), count: Number(match[3]) };
}
