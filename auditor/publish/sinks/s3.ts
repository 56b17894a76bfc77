// Reports uploaded to S3 under a dated folder per run:
// s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<run name>/<file> (the run's timestamp and id,
// reports/file-names.ts). The date comes from the run's timestamp, not the clock at upload time, so a run that crosses midnight stays in one folder.
// Also how earlier files (a previous report, the history, shard parts) are read back.
import { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { withAbortSignal } from '../../aws/clients';
import type { S3Location } from '../../values/parsers';
import { isByteStreamReport, type ReportFile } from '../../reports/report-file';
import { type SinkOutcome } from './sink-outcome';
import { errorMessage } from '../../values/error-text';

/**
 * What the task role needs to upload the reports: `s3:PutObject` also covers a multipart upload's
 * creation, parts and completion; `s3:AbortMultipartUpload` lets a failed one be cleaned up.
 */
export const S3_UPLOAD_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'] as const;

/** The key prefix (ending in `/`) of one run's reports, from its name (`<timestamp>[-<id>]`). */
export function s3RunPrefix(location: S3Location, runName: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})T/.exec(runName);
  if (!match) throw new Error(`run name ${JSON.stringify(runName)} does not start with YYYYMMDDT`);
  const [, year, month, day] = match;
  const segments = [location.prefix, year, month, day, runName].filter((segment) => segment !== '');
  return `${segments.join('/')}/`;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

async function objectBody(s3: S3Client, bucket: string, key: string) {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`${s3Uri(bucket, key)} has no body`);
  return response.Body;
}

/** An object's text, whole. */
export async function readS3ObjectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await objectBody(s3, bucket, key)).transformToString('utf-8');
}

/** An object's body as a stream: in Node the SDK gives one; any other body is read whole. */
export async function readS3ObjectStream(s3: S3Client, bucket: string, key: string): Promise<Readable> {
  const body = await objectBody(s3, bucket, key);
  return body instanceof Readable ? body : Readable.from([await body.transformToString('utf-8')]);
}

/**
 * Reports larger than this go to S3 as multipart uploads, in parts of this size; smaller ones as
 * one PutObject. Either way each request's body is a buffer the SDK can send again, so a dropped
 * connection costs one retried part, never the file. Parts are built from the report's pieces as
 * they are sent: at most UPLOAD_QUEUE_SIZE parts are in memory, never the whole report.
 */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
/** Parts sent at once. */
export const UPLOAD_QUEUE_SIZE = 4;
/**
 * An upload that finishes no part in this time is aborted and its file reported as failed, so a
 * bucket endpoint that stops answering costs each file this long at most, not its every retry
 * (8 attempts of up to a minute each). A part of 8 MB needs a few seconds.
 */
export const UPLOAD_STALL_TIMEOUT_MS = 120_000;
/** The clean-up of an aborted multipart upload is given this long. */
const ABORT_MULTIPART_UPLOAD_TIMEOUT_MS = 30_000;

/** After the deadline, the clean-up of an aborted multipart upload gets only this long. */
const ABORT_MULTIPART_UPLOAD_AFTER_DEADLINE_MS = 3_000;

export interface S3UploadOptions {
  partBytes?: number;
  stallTimeoutMs?: number;
  /**
   * One deadline for every file (a stopped run's time before the task is killed): when it aborts,
   * the upload in flight is cut and the files not yet sent fail at once with its reason.
   */
  deadline?: AbortSignal;
}

interface UploadSettings {
  partBytes: number;
  stallTimeoutMs: number;
  deadline: AbortSignal | undefined;
}

function* encoded(chunks: Iterable<string>): Generator<Buffer> {
  for (const chunk of chunks) if (chunk.length > 0) yield Buffer.from(chunk, 'utf8');
}

/** A byte stream (the workbook) as it is; text from its pieces, encoded as they are read. */
function uploadBody(file: ReportFile): Readable | string {
  if (isByteStreamReport(file)) return file.stream();
  return file.chunks === undefined ? file.body : Readable.from(encoded(file.chunks()));
}

class UploadStalledError extends Error {
  override readonly name = 'UploadStalled';
}

/** One file, as one PutObject or a multipart upload, aborted (and its parts deleted) when it stalls. */
async function uploadFile(s3: S3Client, bucket: string, key: string, file: ReportFile, options: UploadSettings): Promise<void> {
  const stalled = new AbortController();
  const { deadline } = options;
  const cut = deadline === undefined ? stalled.signal : AbortSignal.any([stalled.signal, deadline]);
  // Every call carries the stall's signal (and the deadline) except the clean-up of an aborted
  // upload, which must still go out after it, with a deadline of its own (short once the run's is past).
  const cleanUpSignal = () => AbortSignal.timeout(deadline?.aborted === true ? ABORT_MULTIPART_UPLOAD_AFTER_DEADLINE_MS : ABORT_MULTIPART_UPLOAD_TIMEOUT_MS);
  const client = withAbortSignal(s3, (command) => (command instanceof AbortMultipartUploadCommand ? cleanUpSignal() : cut));
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, ContentType: file.contentType, Body: uploadBody(file) },
    partSize: options.partBytes,
    queueSize: UPLOAD_QUEUE_SIZE,
    leavePartsOnError: false,
  });
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stalled.abort(new UploadStalledError(`no part was sent in ${options.stallTimeoutMs / 1000} s; the upload was abandoned`)), options.stallTimeoutMs);
  };
  // The stall is the time since the last progress (a part sent), not since the upload began: an
  // upload that keeps sending parts goes on as long as it needs.
  upload.on('httpUploadProgress', watch);
  watch();
  try {
    await upload.done();
  } catch (error) {
    if (stalled.signal.aborted) throw stalled.signal.reason;
    if (deadline?.aborted === true) throw deadline.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Uploads every file; a failed upload is reported, the others still go. */
export async function uploadReportsToS3(s3: S3Client, location: S3Location, runName: string, files: readonly ReportFile[], options: S3UploadOptions = {}): Promise<SinkOutcome> {
  const prefix = s3RunPrefix(location, runName);
  const settings: UploadSettings = { partBytes: options.partBytes ?? UPLOAD_PART_BYTES, stallTimeoutMs: options.stallTimeoutMs ?? UPLOAD_STALL_TIMEOUT_MS, deadline: options.deadline };
  const outcome: SinkOutcome = { written: [], failed: [] };
  // One file at a time: files built all at once would hold every report in memory together.
  for (const file of files) {
    const key = `${prefix}${file.fileName}`;
    const uri = s3Uri(location.bucket, key);
    if (options.deadline?.aborted === true) {
      outcome.failed.push({ fileName: file.fileName, location: uri, reason: `not uploaded: ${errorMessage(options.deadline.reason, { withName: false })}` });
      continue;
    }
    try {
      await uploadFile(s3, location.bucket, key, file, settings);
      outcome.written.push({ fileName: file.fileName, location: uri });
    } catch (reason) {
      outcome.failed.push({ fileName: file.fileName, location: uri, reason: errorMessage(reason) });
    }
  }
  return outcome;
}
