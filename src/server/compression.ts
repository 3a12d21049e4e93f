/**
 * HTTP content codings as DynamoDB handles them: request bodies in gzip or
 * deflate, and responses compressed when the client accepts it and they are
 * large enough.
 *
 * The rules were recorded against live DynamoDB by ScyllaDB's Alternator
 * tests (test/alternator/test_compressed_request.py and
 * test_compressed_response.py, which run against AWS too).
 */
import { deflate, gunzip, gzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { DynamoError } from '../protocol/errors.js';

/** DynamoDB compresses responses of 4 KB and more; smaller ones go as they are. */
export const COMPRESSION_THRESHOLD = 4096;

export type Coding = 'gzip' | 'deflate';

const compressors = { gzip: promisify(gzip), deflate: promisify(deflate) } as const;
const decompressors = { gzip: promisify(gunzip), deflate: promisify(inflate) } as const;

export function compress(body: string, coding: Coding): Promise<Buffer> {
  return compressors[coding](body);
}

/**
 * A request body decoded as its Content-Encoding says. DynamoDB answers a
 * coding it does not know, and a body that does not decode (an empty one
 * included), with a 500 InternalServerError, having run nothing.
 * (Unlike DynamoDB, which was seen accepting a 1 GB body compressed, the
 * decoded body is held to the same limit as a plain one.)
 */
export async function decodeBody(raw: Buffer, contentEncoding: string, limit: number): Promise<Buffer> {
  if (contentEncoding === '') return raw;
  const coding = contentEncoding.trim().toLowerCase();
  if (coding !== 'gzip' && coding !== 'deflate') throw undecodable();
  try {
    return await decompressors[coding](raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw undecodable();
  }
}

function undecodable(): DynamoError {
  return new DynamoError('InternalServerError', 'Internal server error');
}

export function tooLarge(limit: number): DynamoError {
  return new DynamoError('RequestEntityTooLarge', `Request size exceeded ${limit} bytes`);
}

/**
 * The coding an Accept-Encoding value prefers, as DynamoDB reads it (from
 * the request's first Accept-Encoding header; it ignores any later one): gzip and
 * deflate only; the highest q wins, a coding named outright beats `*`, and
 * ties go to the one named first (`*` alone means gzip); `identity` is never
 * preferred over compressing. A malformed entry is ignored, a q above 1
 * counts as 1, an unparsable q as 1.
 */
export function preferredCoding(header: string): Coding | undefined {
  let best: { coding: Coding; q: number } | undefined;
  let wildcard = 0;
  const named = new Map<Coding, number>();
  for (const entry of header.split(',')) {
    const [token = '', ...params] = entry.split(';');
    const name = token.trim().toLowerCase();
    const q = quality(params);
    if (name === '*') wildcard = Math.max(wildcard, q);
    else if (name === 'gzip' || name === 'deflate') named.set(name, Math.max(named.get(name) ?? 0, q));
  }
  // Map iteration follows first insertion, so named codings come in the order written.
  for (const [coding, q] of named) {
    if (q > 0 && (best === undefined || q > best.q)) best = { coding, q };
  }
  for (const coding of ['gzip', 'deflate'] as const) {
    if (!named.has(coding) && wildcard > 0 && (best === undefined || wildcard > best.q)) best = { coding, q: wildcard };
  }
  return best?.coding;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/**
 * An entry's q: the text after `q=` in its first parameter holding `q=`
 * anywhere (DynamoDB reads `nq=0` as q=0, and `q =0` as no q at all).
 */
function quality(params: readonly string[]): number {
  for (const param of params) {
    const at = param.indexOf('q=');
    if (at < 0) continue;
    const value = param.slice(at + 2).trim();
    return NUMBER.test(value) ? Math.min(Number(value), 1) : 1;
  }
  return 1;
}
