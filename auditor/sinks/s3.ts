// Reports uploaded to S3 under a dated folder per run:
// s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<runTimestamp>/<file>. The date comes from the run's
// timestamp, not the clock at upload time, so a run that crosses midnight stays in one folder.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Location } from '../config';
import type { ReportFile } from '../reports';
import { errorMessage, type SinkOutcome } from './sink-outcome';

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

/** Uploads every file (one PutObject each); a failed upload is reported, the others still go. */
export async function uploadReportsToS3(s3: S3Client, location: S3Location, runTimestamp: string, files: readonly ReportFile[]): Promise<SinkOutcome> {
  const prefix = s3RunPrefix(location, runTimestamp);
  const results = await Promise.allSettled(
    files.map(async (file) => {
      const key = `${prefix}${file.fileName}`;
      await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: key, Body: file.body, ContentType: file.contentType }));
      return key;
    }),
  );
  const outcome: SinkOutcome = { written: [], failed: [] };
  results.forEach((result, index) => {
    const file = files[index];
    const uri = s3Uri(location.bucket, `${prefix}${file.fileName}`);
    if (result.status === 'fulfilled') outcome.written.push({ fileName: file.fileName, location: uri });
    else outcome.failed.push({ fileName: file.fileName, location: uri, reason: errorMessage(result.reason) });
  });
  return outcome;
}
