/**
 * Shard iterators carry their whole position (stream, shard, next sequence
 * number, issue time), so they need no server-side state and survive a
 * restart. They expire 15 minutes after they were issued, as DynamoDB's do
 * ("A shard iterator expires 15 minutes after it is returned to the
 * requester", DynamoDB Streams API Reference, GetShardIterator).
 *
 * Since the client holds the position, it is signed (HMAC-SHA256 under the
 * store's secret, engine/server-secret.ts) together with the namespace it was
 * issued to: an iterator edited to point at another stream, shard or
 * position, moved to another region or account, or given a later issue time
 * to never expire, no longer verifies and is refused as invalid.
 */
import { timingSafeEqual } from 'node:crypto';
import { DynamoError, validation } from '../../protocol/errors.js';
import { sign } from '../../engine/server-secret.js';
import type { Namespace } from '../../operations/operation.js';

export const ITERATOR_LIFETIME_MS = 15 * 60_000;

/**
 * How far in the future an issue time may be: another node's clock may run
 * this much ahead. A later one was not issued by a server of this store.
 */
export const ITERATOR_CLOCK_SKEW_MS = 60_000;

const MAC_BYTES = 32;
const PURPOSE = 'shard-iterator/1';

export interface IteratorPosition {
  readonly arn: string;
  readonly shardId: string;
  /** The sequence number the next GetRecords starts at. */
  readonly next: number;
  /** Epoch ms when the iterator was issued. */
  readonly issuedAt: number;
}

function mac(secret: Uint8Array, ns: Namespace, arn: string, fields: string): Buffer {
  return sign(secret, PURPOSE, [ns.account, ns.region, arn, fields]);
}

/** `<stream ARN>|1|<base64 of the position's JSON and its MAC>`, the shape of DynamoDB's own iterators. */
export function encodeIterator(secret: Uint8Array, ns: Namespace, position: IteratorPosition): string {
  const fields = JSON.stringify([position.shardId, position.next, position.issuedAt]);
  const payload = Buffer.concat([Buffer.from(fields), mac(secret, ns, position.arn, fields)]).toString('base64');
  return `${position.arn}|1|${payload}`;
}

function invalid(): DynamoError {
  return validation('Invalid ShardIterator');
}

/**
 * The iterator's position: ValidationException for text that is not an
 * iterator this store issued to `ns`, ExpiredIteratorException once it is too old.
 */
export function decodeIterator(secret: Uint8Array, ns: Namespace, text: string, now = Date.now()): IteratorPosition {
  const parts = text.split('|');
  if (parts.length !== 3 || parts[1] !== '1') throw invalid();
  const arn = parts[0]!;
  const payload = Buffer.from(parts[2]!, 'base64');
  if (payload.length <= MAC_BYTES) throw invalid();
  const fields = payload.subarray(0, payload.length - MAC_BYTES).toString('utf8');
  if (!timingSafeEqual(payload.subarray(payload.length - MAC_BYTES), mac(secret, ns, arn, fields))) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(fields);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [shardId, next, issuedAt] = parsed as unknown[];
  if (typeof shardId !== 'string' || !Number.isSafeInteger(next) || !Number.isSafeInteger(issuedAt)) throw invalid();
  if ((issuedAt as number) > now + ITERATOR_CLOCK_SKEW_MS) throw invalid();
  if (now - (issuedAt as number) > ITERATOR_LIFETIME_MS) {
    throw new DynamoError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(issuedAt as number).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
    );
  }
  return { arn, shardId, next: next as number, issuedAt: issuedAt as number };
}
