// The simulated S3: buckets added by the test, objects put, read and listed, and multipart uploads
// (created, parts uploaded, completed or aborted), which is what the auditor's S3 sink and the
// shard parts use.
import { Readable } from 'node:stream';
import { okMetadata, page, type Caller } from './simulated-account-state';
import { simulatedError, simulatedServiceError } from './simulated-errors';

interface StoredObject {
  /** Empty in a bucket that keeps sizes only. */
  body: Buffer;
  size: number;
  contentType: string | undefined;
  lastModified: Date;
}

interface MultipartUploadState {
  bucket: string;
  key: string;
  contentType: string | undefined;
  /** A part's bytes (none in a bucket that keeps sizes only) and its size. */
  parts: Map<number, { body: Buffer; size: number }>;
}

/** A request body as bytes, whatever form the SDK gives it in. */
export async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const pieces: Buffer[] = [];
    for await (const piece of body) pieces.push(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece as Uint8Array));
    return Buffer.concat(pieces);
  }
  throw new Error(`The simulated S3 cannot read a body of type ${typeof body}`);
}

/** A GetObject body as the SDK gives one in Node: a stream that can also be read whole. */
function objectBody(bytes: Buffer): Readable {
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? 'utf8'),
    transformToByteArray: async () => new Uint8Array(bytes),
  });
}

export class SimulatedS3 {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Buckets that keep each object's size but not its bytes (a benchmark's hundreds of MB of reports). */
  private readonly sizeOnlyBuckets = new Set<string>();
  private readonly multipartUploads = new Map<string, MultipartUploadState>();
  private multipartUploadCounter = 0;

  /** `etagStamp`: a number the ETags end with (the organization's session counter). */
  constructor(
    private readonly now: () => Date,
    private readonly etagStamp: () => number,
  ) {}

  /** `keepBodies: false`: objects are counted and sized but their bytes dropped, and reading one back fails. */
  addBucket(name: string, options: { keepBodies?: boolean } = {}): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
    if (options.keepBodies === false) this.sizeOnlyBuckets.add(name);
  }

  private stored(bucketName: string, body: Buffer, contentType: string | undefined, size = body.length): StoredObject {
    return { body: this.sizeOnlyBuckets.has(bucketName) ? Buffer.alloc(0) : body, size, contentType, lastModified: this.now() };
  }

  object(bucket: string, key: string): { body: Buffer; contentType: string | undefined } | undefined {
    const stored = this.buckets.get(bucket)?.get(key);
    return stored === undefined ? undefined : { body: stored.body, contentType: stored.contentType };
  }

  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  openMultipartUploads(): number {
    return this.multipartUploads.size;
  }

  private bucket(input: Record<string, unknown>, caller: Caller): Map<string, StoredObject> {
    const name = typeof input.Bucket === 'string' ? input.Bucket : '';
    const bucket = this.buckets.get(name);
    if (!bucket) throw simulatedError('NoSuchBucket', { service: 's3', action: 's3:PutObject', callerArn: caller.arn, resource: name });
    return bucket;
  }

  /** Answers one S3 operation; `input.Body` is already bytes (see bodyBytes). */
  answer(operation: string, input: Record<string, unknown>, caller: Caller): object {
    const bucket = this.bucket(input, caller);
    const key = typeof input.Key === 'string' ? input.Key : '';
    const contentType = typeof input.ContentType === 'string' ? input.ContentType : undefined;
    const body = input.Body as Buffer;
    const etag = (bytes: Buffer) => `"${bytes.length.toString(16)}-${this.etagStamp()}"`;
    const upload = (): MultipartUploadState => {
      const state = typeof input.UploadId === 'string' ? this.multipartUploads.get(input.UploadId) : undefined;
      if (!state) throw simulatedError('NoSuchUpload', { service: 's3', action: `s3:${operation}`, callerArn: caller.arn });
      return state;
    };
    switch (operation) {
      case 'PutObject':
        bucket.set(key, this.stored(String(input.Bucket), body, contentType));
        return { $metadata: okMetadata(), ETag: etag(body) };
      case 'GetObject': {
        const stored = bucket.get(key);
        if (!stored) throw simulatedError('NoSuchKey', { service: 's3', action: 's3:GetObject', callerArn: caller.arn });
        if (stored.body.length !== stored.size) throw new Error(`The simulated bucket ${String(input.Bucket)} keeps sizes only and cannot answer GetObject for ${key}`);
        return { $metadata: okMetadata(), Body: objectBody(stored.body), ContentType: stored.contentType, ContentLength: stored.body.length };
      }
      case 'ListObjectsV2': {
        const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
        const keys = [...bucket.keys()].filter((candidate) => candidate.startsWith(prefix)).sort();
        const size = typeof input.MaxKeys === 'number' && input.MaxKeys > 0 ? Math.min(input.MaxKeys, 1000) : 1000;
        const { items, next } = page('s3', keys, input.ContinuationToken, size);
        const contents = items.map((item) => ({ Key: item, Size: bucket.get(item)?.size, LastModified: bucket.get(item)?.lastModified }));
        return { $metadata: okMetadata(), Contents: contents, KeyCount: contents.length, IsTruncated: next !== undefined, NextContinuationToken: next };
      }
      case 'CreateMultipartUpload': {
        this.multipartUploadCounter += 1;
        const uploadId = `simulated-upload-${this.multipartUploadCounter}`;
        this.multipartUploads.set(uploadId, { bucket: String(input.Bucket), key, contentType, parts: new Map() });
        return { $metadata: okMetadata(), Bucket: input.Bucket, Key: key, UploadId: uploadId };
      }
      case 'UploadPart': {
        const state = upload();
        state.parts.set(Number(input.PartNumber), { body: this.sizeOnlyBuckets.has(state.bucket) ? Buffer.alloc(0) : body, size: body.length });
        return { $metadata: okMetadata(), ETag: etag(body) };
      }
      case 'CompleteMultipartUpload': {
        const state = upload();
        const listed = ((input.MultipartUpload as { Parts?: { PartNumber?: number }[] } | undefined)?.Parts ?? []).map((part) => Number(part.PartNumber));
        const missing = listed.filter((number) => !state.parts.has(number));
        if (listed.length === 0 || missing.length > 0) throw simulatedServiceError('s3', 'InvalidPart', `One or more of the specified parts could not be found: ${missing.join(', ')}`);
        const parts = [...listed].sort((a, b) => a - b).map((number) => state.parts.get(number) as { body: Buffer; size: number });
        const whole = Buffer.concat(parts.map((part) => part.body));
        bucket.set(state.key, this.stored(state.bucket, whole, state.contentType, parts.reduce((total, part) => total + part.size, 0)));
        this.multipartUploads.delete(String(input.UploadId));
        return { $metadata: okMetadata(), Bucket: state.bucket, Key: state.key, ETag: etag(whole) };
      }
      case 'AbortMultipartUpload':
        upload();
        this.multipartUploads.delete(String(input.UploadId));
        return { $metadata: okMetadata() };
      default:
        throw new Error(`The simulated AWS does not implement s3:${operation}`);
    }
  }
}
