// Where the exemptions file is read from: a local path, or an s3:// URI (so the scheduled task
// reads it from the reports bucket) with the auditor's own credentials. Read and checked before
// the audit starts, so a malformed file costs nothing but a message.
import { open } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { EXEMPTIONS_MAX_BYTES, ExemptionsError, parseExemptionsYaml, type ExemptionList } from '../analysis/exemptions';
import { readS3ObjectText, s3Uri } from './sinks/s3';
import { errorMessage } from '../values/error-text';

/** What the auditor's own credentials need to read an exemptions file kept in S3. */
export const EXEMPTIONS_S3_ACTIONS = ['s3:GetObject'] as const;

export type ExemptionsSource = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; key: string };

export function describeExemptionsSource(source: ExemptionsSource): string {
  return source.kind === 'file' ? source.path : s3Uri(source.bucket, source.key);
}

class RefusedFile extends Error {}

/**
 * A local exemptions file's text: a regular file (a FIFO or a device would hang or never end), of
 * at most EXEMPTIONS_MAX_BYTES, in UTF-8 (other bytes are refused, not silently replaced).
 */
async function readLocalText(path: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
  const { constants } = await import('node:fs');
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new RefusedFile('it is not a regular file');
    if (info.size > EXEMPTIONS_MAX_BYTES) throw new RefusedFile(`it is ${info.size} bytes, more than the ${EXEMPTIONS_MAX_BYTES} (1 MB) allowed`);
    const buffer = Buffer.alloc(EXEMPTIONS_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > EXEMPTIONS_MAX_BYTES) throw new RefusedFile(`it is more than the ${EXEMPTIONS_MAX_BYTES} (1 MB) allowed`);
    return decodeUtf8(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RefusedFile('it is not UTF-8 text');
  }
}

/**
 * The exemptions, read and checked. Throws ExemptionsError naming `flag` when the file cannot be
 * read, and naming the file, line and field when it is malformed.
 */
export async function readExemptions(source: ExemptionsSource, flag: string, s3: () => S3Client): Promise<ExemptionList> {
  const name = describeExemptionsSource(source);
  let text: string;
  try {
    text = source.kind === 'file' ? await readLocalText(source.path) : await readS3ObjectText(s3(), source.bucket, source.key);
  } catch (error) {
    throw new ExemptionsError(`${flag}: cannot read ${name}: ${errorMessage(error)}`);
  }
  return parseExemptionsYaml(text, name);
}
