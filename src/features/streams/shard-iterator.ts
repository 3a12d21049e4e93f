/**
 * Shard iterators carry their whole position (stream, shard, next sequence
 * number, issue time), so they need no server-side state and survive a
 * restart. They expire 15 minutes after they were issued, as DynamoDB's do.
 */
import { DynamoError, validation } from '../../protocol/errors.js';

export const ITERATOR_LIFETIME_MS = 15 * 60_000;

export interface IteratorPosition {
  readonly arn: string;
  readonly shardId: string;
  /** The sequence number the next GetRecords starts at. */
  readonly next: number;
  /** Epoch ms when the iterator was issued. */
  readonly issuedAt: number;
}

export function encodeIterator(position: IteratorPosition): string {
  const payload = Buffer.from(JSON.stringify([position.shardId, position.next, position.issuedAt])).toString('base64');
  return `${position.arn}|1|${payload}`;
}

function invalid(): DynamoError {
  return validation('Invalid ShardIterator');
}

/** The iterator's position; ValidationException for text that is not one, ExpiredIteratorException once it is too old. */
export function decodeIterator(text: string, now = Date.now()): IteratorPosition {
  const parts = text.split('|');
  if (parts.length !== 3 || parts[1] !== '1') throw invalid();
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(parts[2]!, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(fields) || fields.length !== 3) throw invalid();
  const [shardId, next, issuedAt] = fields as unknown[];
  if (typeof shardId !== 'string' || !Number.isSafeInteger(next) || !Number.isSafeInteger(issuedAt)) throw invalid();
  if (now - (issuedAt as number) > ITERATOR_LIFETIME_MS) {
    throw new DynamoError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(issuedAt as number).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
    );
  }
  return { arn: parts[0]!, shardId, next: next as number, issuedAt: issuedAt as number };
}
