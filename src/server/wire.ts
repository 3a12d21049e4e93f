/** Small wire-level helpers shared by the HTTP front end. */
import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';

/** The CRC32 DynamoDB sends in `x-amz-crc32`, over the exact body bytes. */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A 52-character request id in DynamoDB's style. */
export function requestId(): string {
  const bytes = randomBytes(52);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}
