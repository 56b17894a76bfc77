// Where `merge` finds the shards' parts: local directories (as `--out-dir` of each shard wrote
// them) and S3 prefixes (as `--s3-uri` of each shard uploaded them, under the run's dated folder).
// Parts are told apart by file name first, so only the chosen run's parts are read.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { ConfigError, parseS3Uri, type S3Location } from '../values/parsers';
import { parseShardReportName, type ShardReportName } from '../shard/shard';
import { ShardMergeError } from '../shard/shard-merge';
import { readS3ObjectText, s3Uri } from './sinks/s3';
import { errorMessage } from '../values/error-text';

/** What the task role needs to read the parts (the reports prefix already allows both). */
export const SHARD_PARTS_S3_ACTIONS = ['s3:ListBucket', 's3:GetObject'] as const;

export type ShardSource = { kind: 'directory'; path: string } | { kind: 's3'; location: S3Location };

/** `s3://bucket/prefix/` or a local directory. */
export function parseShardSource(value: string, source: string): ShardSource {
  if (value.trim() === '') throw new ConfigError(`${source}: the location may not be empty`);
  if (/^s3:/i.test(value.trim())) return { kind: 's3', location: parseS3Uri(value, source) };
  return { kind: 'directory', path: value };
}

export function describeShardSource(source: ShardSource): string {
  return source.kind === 'directory' ? source.path : s3Uri(source.location.bucket, source.location.prefix === '' ? '' : `${source.location.prefix}/`);
}

export interface FoundShardReport {
  name: ShardReportName;
  /** A path or an s3:// URI. */
  location: string;
  read(): Promise<string>;
}

async function findInDirectory(directory: string): Promise<FoundShardReport[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new ShardMergeError(`--from: cannot read ${directory}: ${errorMessage(error)}`);
  }
  return names.flatMap((fileName) => {
    const name = parseShardReportName(fileName);
    if (name === null) return [];
    const location = path.join(directory, fileName);
    return [{ name, location, read: () => readFile(location, 'utf8') }];
  });
}

async function findInS3(s3: S3Client, location: S3Location): Promise<FoundShardReport[]> {
  const found: FoundShardReport[] = [];
  const prefix = location.prefix === '' ? '' : `${location.prefix}/`;
  try {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: location.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        const name = key === undefined ? null : parseShardReportName(key);
        if (key === undefined || name === null) continue;
        found.push({
          name,
          location: s3Uri(location.bucket, key),
          read: () => readS3ObjectText(s3, location.bucket, key),
        });
      }
    }
  } catch (error) {
    throw new ShardMergeError(`--from: cannot list ${s3Uri(location.bucket, prefix)}: ${errorMessage(error)}`);
  }
  return found;
}

/**
 * The parts of one run under the sources: of `runTimestamp` when given, otherwise of the only run
 * found there. Several runs without a choice, or none, is an error that says what was found.
 */
export async function findShardReports(sources: readonly ShardSource[], s3: () => S3Client, runTimestamp?: string): Promise<FoundShardReport[]> {
  const found: FoundShardReport[] = [];
  for (const source of sources) found.push(...(source.kind === 'directory' ? await findInDirectory(source.path) : await findInS3(s3(), source.location)));
  const where = sources.map(describeShardSource).join(', ');
  const runs = [...new Set(found.map((report) => report.name.runTimestamp))].sort();
  if (runTimestamp !== undefined) {
    const chosen = found.filter((report) => report.name.runTimestamp === runTimestamp);
    if (chosen.length === 0) {
      throw new ShardMergeError(`no shard parts of run ${runTimestamp} in ${where}${runs.length > 0 ? ` (found runs ${runs.join(', ')})` : ''}`);
    }
    return chosen;
  }
  if (runs.length === 0) throw new ShardMergeError(`no shard parts (iam_audit_<ts>_shard-<i>-of-<n>.json) in ${where}`);
  if (runs.length > 1) throw new ShardMergeError(`shard parts of ${runs.length} runs in ${where} (${runs.join(', ')}); choose one with --run-time`);
  return found;
}
