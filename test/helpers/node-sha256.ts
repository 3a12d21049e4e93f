/**
 * node:crypto as the hash the AWS SDK's signer (@smithy/signature-v4) takes,
 * a keyed one being an HMAC: for tests that sign or check signatures with
 * the SDK's implementation, independent of src/protocol/sigv4.ts.
 */
import { createHash, createHmac, type BinaryLike } from 'node:crypto';

/** What the SDK hashes: a string, an ArrayBuffer or a view of one. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

export class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytes(data: SourceData): BinaryLike {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
