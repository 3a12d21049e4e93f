/** Small wire-level helpers shared by the HTTP front end. */
import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';

/** The CRC32 DynamoDB sends in `x-amz-crc32`, over the exact body bytes (a string counts as its UTF-8). */
export function crc32(body: Uint8Array | string): number {
  return zlibCrc32(body) >>> 0;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomId(length: number): string {
  let id = '';
  for (const byte of randomBytes(length)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

// Ids need to be unique, not secret: a random per-process prefix and a counter
// cost far less per request than fresh random bytes.
const PROCESS_PREFIX = randomId(38);
let sequence = 0;

/** A 52-character request id in DynamoDB's style. */
export function requestId(): string {
  sequence += 1;
  return PROCESS_PREFIX + sequence.toString(36).toUpperCase().padStart(14, '0');
}
