// Where earlier runs are found: a `--compare` file on disk, or else the newest iam_audit_*.json from
// before this run, in the bucket with `--s3-uri` and in the output directory without it; and where
// the run history is kept (`history.json` in the output directory and at the top of the S3 prefix).
import { open, readdir, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { ListObjectsV2Command, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkPreviousRun, comparableRun, PreviousReportError } from '../analysis/comparison';
import type { S3Location } from '../values/parsers';
import { emptyHistory, HISTORY_FILE_NAME, mergeHistories, parseHistory, serializeHistory, type RunHistory } from '../analysis/history';
import { withAbortSignal } from '../aws/clients';
import { parseJsonStream, type JsonPath } from '../values/json-text';
import type { AuditRun } from '../model';
import { readS3ObjectStream, readS3ObjectText, s3Uri } from './sinks/s3';
import { withFileLock } from './sinks/file-lock';
import { writeReportsToDirectory } from './sinks/local';
import { RUN_NAME_PATTERN } from '../reports/file-names';
import { errorMessage } from '../values/error-text';

/** What the task role needs on the reports prefix for this (on top of PutObject for the reports). */
export const PREVIOUS_RUN_S3_ACTIONS = ['s3:ListBucket', 's3:GetObject'] as const;

// `iam_audit_<timestamp>[-<id>].json`; the group is the timestamp. A shard's part never matches.
const JSON_REPORT_KEY = new RegExp(`(?:^|/)iam_audit_${RUN_NAME_PATTERN}\\.json$`);

// What the comparison never reads, left out while the report is parsed: the sections the analysis
// of that run added, and every account's CloudTrail events.
const NOT_COMPARED = new Set(['summary', 'thresholds', 'findings', 'maturity', 'comparison']);

function notCompared(path: JsonPath): boolean {
  if (path.length === 1) return typeof path[0] === 'string' && NOT_COMPARED.has(path[0]);
  return path.length === 3 && path[0] === 'accounts' && typeof path[1] === 'number' && path[2] === 'events';
}

/**
 * A previous JSON report, streamed and parsed without what the comparison does not read, so that
 * a large organization's report (hundreds of MB) is never one string in memory.
 */
async function readComparableRun(input: Readable, source: string): Promise<AuditRun> {
  const parsed = await parseJsonStream(input, source, (message) => new PreviousReportError(message), notCompared);
  const accounts = typeof parsed === 'object' && parsed !== null ? (parsed as { accounts?: unknown }).accounts : undefined;
  if (Array.isArray(accounts)) {
    for (const account of accounts) if (typeof account === 'object' && account !== null) (account as { events?: unknown }).events = [];
  }
  return comparableRun(checkPreviousRun(parsed, source));
}

export async function readPreviousRunFile(filePath: string): Promise<AuditRun> {
  let file;
  try {
    file = await open(filePath, 'r');
  } catch (error) {
    throw new PreviousReportError(`--compare: cannot read ${filePath}: ${errorMessage(error, { withName: false })}`);
  }
  return readComparableRun(file.createReadStream(), filePath);
}

function listPrefix(location: S3Location): string {
  return location.prefix === '' ? '' : `${location.prefix}/`;
}

/** The key of the newest JSON report under the prefix from before `runTimestamp`, or null. */
export async function findPreviousRunKey(s3: S3Client, location: S3Location, runTimestamp: string): Promise<string | null> {
  let best: { key: string; timestamp: string } | null = null;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: location.bucket, Prefix: listPrefix(location) })) {
    for (const object of page.Contents ?? []) {
      const match = object.Key ? JSON_REPORT_KEY.exec(object.Key) : null;
      if (!match || !object.Key || match[1] >= runTimestamp) continue;
      if (best === null || match[1] > best.timestamp) best = { key: object.Key, timestamp: match[1] };
    }
  }
  return best?.key ?? null;
}

export interface PreviousRun {
  run: AuditRun;
  /** A path or an s3:// URI. */
  source: string;
}

/** The newest JSON report in the directory from before `runTimestamp`, or null (also when the directory does not exist). */
export async function findPreviousRunInDirectory(directory: string, runTimestamp: string): Promise<PreviousRun | null> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  let best: { name: string; timestamp: string } | null = null;
  for (const name of names) {
    const match = JSON_REPORT_KEY.exec(name);
    if (!match || match[1] >= runTimestamp) continue;
    if (best === null || match[1] > best.timestamp) best = { name, timestamp: match[1] };
  }
  if (best === null) return null;
  const source = path.join(directory, best.name);
  return { run: await readPreviousRunFile(source), source };
}

export async function findPreviousRunInS3(s3: S3Client, location: S3Location, runTimestamp: string): Promise<PreviousRun | null> {
  const key = await findPreviousRunKey(s3, location, runTimestamp);
  if (key === null) return null;
  const source = s3Uri(location.bucket, key);
  return { run: await readComparableRun(await readS3ObjectStream(s3, location.bucket, key), source), source };
}

export function historyS3Key(location: S3Location): string {
  return `${listPrefix(location)}${HISTORY_FILE_NAME}`;
}

function isMissing(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'NoSuchKey' || name === 'NotFound' || (error as { code?: string } | null)?.code === 'ENOENT';
}

/** The stored history, or an empty one when there is none yet. A damaged file is an error. */
export async function loadHistoryFromS3(s3: S3Client, location: S3Location): Promise<RunHistory> {
  const key = historyS3Key(location);
  // Listed first: a GetObject of a missing key answers AccessDenied, not NoSuchKey, unless the
  // caller may list the whole bucket, and the task role may list only the reports prefix.
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: key, MaxKeys: 1 }));
  if (!(listing.Contents ?? []).some((object) => object.Key === key)) return emptyHistory();
  try {
    return parseHistory(await readS3ObjectText(s3, location.bucket, key), s3Uri(location.bucket, key));
  } catch (error) {
    if (isMissing(error)) return emptyHistory();
    throw error;
  }
}

export async function saveHistoryToS3(s3: S3Client, location: S3Location, history: RunHistory): Promise<string> {
  const key = historyS3Key(location);
  await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: key, Body: serializeHistory(history), ContentType: 'application/json; charset=utf-8' }));
  return s3Uri(location.bucket, key);
}

export function localHistoryPath(outDir: string): string {
  return path.join(outDir, HISTORY_FILE_NAME);
}

export async function loadHistoryFromDirectory(outDir: string): Promise<RunHistory> {
  const file = localHistoryPath(outDir);
  try {
    return parseHistory(await readFile(file, 'utf8'), file);
  } catch (error) {
    if (isMissing(error)) return emptyHistory();
    throw error;
  }
}

/**
 * Writes `history` into the directory's history.json, merged with what the file holds now (another
 * run into the same directory may have added its entry since this run read it), under the file's
 * lock (sinks/file-lock.ts), atomically. A damaged file is left as it is (an error). Returns the path.
 */
export async function saveHistoryToDirectory(outDir: string, history: RunHistory): Promise<string> {
  const file = localHistoryPath(outDir);
  return withFileLock(file, async () => {
    const merged = mergeHistories(await loadHistoryFromDirectory(outDir), history);
    const outcome = await writeReportsToDirectory(outDir, [{ fileName: HISTORY_FILE_NAME, contentType: 'application/json; charset=utf-8', body: serializeHistory(merged) }]);
    const [failure] = outcome.failed;
    if (failure !== undefined) throw new Error(failure.reason);
    return file;
  });
}

export interface EarlierRuns {
  previous?: PreviousRun;
  /** The history the trend is drawn from: the local file's entries and, with S3, the bucket's, merged. */
  history: RunHistory;
  /** False when the local history.json could not be read: it is then left as it is, never overwritten. */
  localHistoryWritable: boolean;
  /**
   * With `--s3-uri`, the bucket's history.json as it was read, or null when it could not be (or its
   * read was abandoned): the bucket's copy is then left as it is, never replaced by a partial one.
   */
  bucketHistory?: RunHistory | null;
  /** What could not be read and what that costs, one line each, for the closing summary. */
  notes: string[];
}

export interface EarlierRunsOptions {
  runTimestamp: string;
  outDir: string;
  /** The auditor's own S3 client and the reports location, with `--s3-uri`. */
  s3?: { client: S3Client; location: S3Location };
  /** From `--compare`, read before the audit; when absent the bucket or the directory is searched. */
  previous?: PreviousRun;
  /** False with `--no-compare`: no previous run is looked for. */
  findPrevious: boolean;
  /**
   * Aborted to abandon the reads from S3 that have not finished (a stop, the set-up deadline): the
   * call in flight is cut and the run goes on without what it would have read. Its reason says why.
   */
  signal?: AbortSignal;
  warn(message: string): void;
}

/**
 * The previous run and the history. In S3 (the scheduled task) the previous run is searched in
 * the bucket; locally in the output directory. The history is the local file merged with the
 * bucket's copy. Nothing here stops the run: a problem is a warning and a line of the summary,
 * and the run goes on without the comparison or with a shorter trend.
 */
export async function loadEarlierRuns(options: EarlierRunsOptions): Promise<EarlierRuns> {
  const { signal } = options;
  const s3 = options.s3 === undefined ? undefined : { client: signal === undefined ? options.s3.client : withAbortSignal(options.s3.client, signal), location: options.s3.location };
  const notes: string[] = [];
  // A read cut by the signal says why it was cut, not the AbortError it ended with.
  const why = (error: unknown): string => (signal?.aborted === true ? `abandoned: ${errorMessage(signal.reason, { withName: false })}` : errorMessage(error, { withName: false }));
  let previous = options.previous;
  if (previous === undefined && options.findPrevious) {
    try {
      const found = s3 !== undefined ? await findPreviousRunInS3(s3.client, s3.location, options.runTimestamp) : await findPreviousRunInDirectory(options.outDir, options.runTimestamp);
      previous = found ?? undefined;
    } catch (error) {
      options.warn(`no comparison with the previous run: ${why(error)}`);
      notes.push(`not compared with the previous run (${why(error)})`);
    }
  }
  let local: RunHistory = emptyHistory();
  let localHistoryWritable = true;
  try {
    local = await loadHistoryFromDirectory(options.outDir);
  } catch (error) {
    localHistoryWritable = false;
    options.warn(`the local run history could not be read and is left untouched: ${errorMessage(error, { withName: false })}`);
    notes.push(`run history: ${localHistoryPath(options.outDir)} not read, so left as it is`);
  }
  const earlier: EarlierRuns = { history: local, localHistoryWritable, notes };
  if (previous !== undefined) earlier.previous = previous;
  if (s3 !== undefined) {
    try {
      earlier.bucketHistory = await loadHistoryFromS3(s3.client, s3.location);
      earlier.history = mergeHistories(local, earlier.bucketHistory);
    } catch (error) {
      earlier.bucketHistory = null;
      const where = s3Uri(s3.location.bucket, historyS3Key(s3.location));
      options.warn(`the run history in S3 could not be read and is left untouched: ${why(error)}`);
      notes.push(`run history: ${where} not read (${why(error)}), so left as it is; this run's entry is in the local ${HISTORY_FILE_NAME}`);
    }
  }
  return earlier;
}
