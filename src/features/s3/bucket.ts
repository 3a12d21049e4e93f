/**
 * Where exports are written and imports read: an S3 bucket, which is a
 * folder under `--s3-dir` by default (folder-bucket.ts) or a bucket of an
 * S3-compatible endpoint. Exports and imports see only this interface.
 */

/** Why an object store refused: S3's error codes, which exports and imports turn into their FailureCode. */
export type BucketErrorCode = 'NoSuchBucket' | 'NoSuchKey' | 'AccessDenied' | 'InvalidKey' | 'Unavailable';

export class BucketError extends Error {
  constructor(
    readonly code: BucketErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BucketError';
  }
}

/** S3's bucket naming rules, the part that keeps a name one folder or one path segment. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validBucketName(name: string): boolean {
  return BUCKET_NAME.test(name);
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
}

/** S3's listing order: keys compared as UTF-8 bytes. */
export function inKeyOrder(objects: ObjectSummary[]): ObjectSummary[] {
  return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

export interface ObjectBucket {
  /** The bucket's name, as a request named it. */
  readonly name: string;
  /** Fails with NoSuchBucket (or AccessDenied) when the bucket cannot be written to or read. */
  check(): Promise<void>;
  /** Stores an object whole; a reader never sees half of it. */
  put(key: string, body: Uint8Array): Promise<void>;
  /** An object's bytes; NoSuchKey when there is none. */
  get(key: string): Promise<Uint8Array>;
  /** An object's bytes as they are read, for objects too large to hold (imports); NoSuchKey when there is none. */
  stream(key: string): AsyncIterable<Uint8Array>;
  /** The objects whose keys start with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectSummary[]>;
}

/** Opens buckets by name (S3BucketOwner and region are accepted and, for a folder, ignored). */
export interface Buckets {
  open(name: string): ObjectBucket;
}
