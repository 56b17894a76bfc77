// Where the exemptions file is read from: a local path, or an s3:// URI (so the scheduled task
// reads it from the reports bucket) with the auditor's own credentials. Read and checked before
// the audit starts, so a malformed file costs nothing but a message.
import { open } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EXEMPTIONS_MAX_BYTES, ExemptionsError, parseExemptionsYaml, type ExemptionList } from '../analysis/exemptions';
import { s3Uri } from './sinks/s3';
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

/**
 * An exemptions object's text, under the limits of a local file: its size is judged by the answer's
 * ContentLength before the body is read (a 50 MB object is never downloaded), the body is read up
 * to the limit and no further, and it must be UTF-8.
 */
async function readS3Text(s3: S3Client, bucket: string, key: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (body === undefined) throw new RefusedFile('the object has no body');
  const tooLarge = (size: string) => new RefusedFile(`it is ${size}, more than the ${EXEMPTIONS_MAX_BYTES} (1 MB) allowed`);
  if (response.ContentLength !== undefined && response.ContentLength > EXEMPTIONS_MAX_BYTES) {
    body.destroy?.();
    throw tooLarge(`${response.ContentLength} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > EXEMPTIONS_MAX_BYTES) {
      body.destroy?.();
      throw tooLarge('longer than its ContentLength said');
    }
    chunks.push(chunk);
  }
  return decodeUtf8(Buffer.concat(chunks));
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
    text = source.kind === 'file' ? await readLocalText(source.path) : await readS3Text(s3(), source.bucket, source.key);
  } catch (error) {
    throw new ExemptionsError(`${flag}: cannot read ${name}: ${errorMessage(error)}`);
  }
  return parseExemptionsYaml(text, name);
}
