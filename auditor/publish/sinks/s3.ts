// Reports uploaded to S3 under a dated folder per run:
// s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<runTimestamp>/<file>. The date comes from the run's
// timestamp, not the clock at upload time, so a run that crosses midnight stays in one folder.
// Also how earlier files (a previous report, the history, shard parts) are read back.
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Location } from '../../cli/parsers';
import type { ReportFile } from '../../reports';
import { errorMessage, type SinkOutcome } from './sink-outcome';

/**
 * What the task role needs to upload the reports: `s3:PutObject` also covers a multipart upload's
 * creation, parts and completion; `s3:AbortMultipartUpload` lets a failed one be cleaned up.
 */
export const S3_UPLOAD_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'] as const;

/** The key prefix (ending in `/`) of one run's reports. */
export function s3RunPrefix(location: S3Location, runTimestamp: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})T/.exec(runTimestamp);
  if (!match) throw new Error(`run timestamp ${JSON.stringify(runTimestamp)} does not start with YYYYMMDDT`);
  const [, year, month, day] = match;
  const segments = [location.prefix, year, month, day, runTimestamp].filter((segment) => segment !== '');
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

/** Reports larger than this are streamed to S3 rather than sent as one string. */
export const STREAM_UPLOAD_ABOVE_BYTES = 8 * 1024 * 1024;

function* encoded(chunks: Iterable<string>): Generator<Buffer> {
  for (const chunk of chunks) if (chunk.length > 0) yield Buffer.from(chunk, 'utf8');
}

/**
 * The PutObject body of a file: its text when small, else a stream of its pieces. A stream needs
 * its length up front, so a large file's pieces are built twice (once to count, once to send);
 * that costs CPU but keeps a report of hundreds of MB out of memory. A small file's pieces are
 * kept while they are counted, so it is built once.
 */
function uploadBody(file: ReportFile, streamAboveBytes: number): { Body: string | Readable; ContentLength?: number } {
  const { chunks } = file;
  if (chunks === undefined) return { Body: file.body };
  let length = 0;
  let kept: string[] | null = [];
  for (const chunk of chunks()) {
    length += Buffer.byteLength(chunk, 'utf8');
    if (kept !== null && length <= streamAboveBytes) kept.push(chunk);
    else kept = null;
  }
  if (kept !== null) return { Body: kept.join('') };
  return { Body: Readable.from(encoded(chunks())), ContentLength: length };
}

/** Uploads every file (one PutObject each); a failed upload is reported, the others still go. */
export async function uploadReportsToS3(
  s3: S3Client,
  location: S3Location,
  runTimestamp: string,
  files: readonly ReportFile[],
  options: { streamAboveBytes?: number } = {},
): Promise<SinkOutcome> {
  const prefix = s3RunPrefix(location, runTimestamp);
  const streamAboveBytes = options.streamAboveBytes ?? STREAM_UPLOAD_ABOVE_BYTES;
  // One file at a time: files built all at once would hold every report in memory together.
  const results: PromiseSettledResult<string>[] = [];
  for (const file of files) {
    const key = `${prefix}${file.fileName}`;
    try {
      await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: key, ContentType: file.contentType, ...uploadBody(file, streamAboveBytes) }));
      results.push({ status: 'fulfilled', value: key });
    } catch (reason) {
      results.push({ status: 'rejected', reason });
    }
  }
  const outcome: SinkOutcome = { written: [], failed: [] };
  results.forEach((result, index) => {
    const file = files[index];
    const uri = s3Uri(location.bucket, `${prefix}${file.fileName}`);
    if (result.status === 'fulfilled') outcome.written.push({ fileName: file.fileName, location: uri });
    else outcome.failed.push({ fileName: file.fileName, location: uri, reason: errorMessage(result.reason) });
  });
  return outcome;
}
