// Where the exemptions file is read from: a local path, or an s3:// URI (so the scheduled task
// reads it from the reports bucket) with the auditor's own credentials. Read and checked before
// the audit starts, so a malformed file costs nothing but a message.
import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { ExemptionsError, parseExemptionsYaml, type ExemptionList } from '../analysis/exemptions';
import { readS3ObjectText, s3Uri } from './sinks/s3';
import { errorMessage } from '../values/error-text';

/** What the auditor's own credentials need to read an exemptions file kept in S3. */
export const EXEMPTIONS_S3_ACTIONS = ['s3:GetObject'] as const;

export type ExemptionsSource = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; key: string };

export function describeExemptionsSource(source: ExemptionsSource): string {
  return source.kind === 'file' ? source.path : s3Uri(source.bucket, source.key);
}

/**
 * The exemptions, read and checked. Throws ExemptionsError naming `flag` when the file cannot be
 * read, and naming the file, line and field when it is malformed.
 */
export async function readExemptions(source: ExemptionsSource, flag: string, s3: () => S3Client): Promise<ExemptionList> {
  const name = describeExemptionsSource(source);
  let text: string;
  try {
    text = source.kind === 'file' ? await readFile(source.path, 'utf8') : await readS3ObjectText(s3(), source.bucket, source.key);
  } catch (error) {
    throw new ExemptionsError(`${flag}: cannot read ${name}: ${errorMessage(error)}`);
  }
  return parseExemptionsYaml(text, name);
}
