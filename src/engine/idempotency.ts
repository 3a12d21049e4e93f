/**
 * ClientRequestToken records of TransactWriteItems. DynamoDB keeps a token for
 * ten minutes after the first request that used it: a repeat of the same
 * request within that time succeeds without applying again, another request
 * with the token is refused. Records live in storage (prefix 0x05, see
 * keyspace.ts) and are read and written inside the transaction they guard, so
 * two concurrent requests with one token cannot both apply.
 *
 * Record value (JSON): { fingerprint, expiresAt (epoch ms), outcomes: [oldSize, newSize, collectionSizeBytes?][] }.
 * An expired record counts as absent and is overwritten by the next use of its token;
 * writing a record also deletes a few expired ones (purgeExpired), so records
 * of tokens never used again do not pile up.
 */
import { compareBytes } from '../model/key-codec.js';
import { DynamoError } from '../protocol/errors.js';
import type { ReadTransaction, WriteTransaction } from '../storage/storage.js';
import type { WriteOutcome } from './items.js';

export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

/** Records a write of a record looks at for expiry: bounded work per transaction. */
export const PURGE_BATCH = 16;

export interface IdempotencyClaim {
  /** The record's storage key (keyspace.idempotencyKey). */
  readonly key: Uint8Array;
  /** Equal for two requests exactly when DynamoDB would consider them the same request. */
  readonly fingerprint: string;
  /** Epoch ms of this request. */
  readonly now: number;
}

type RecordedOutcome = [oldSize: number, newSize: number, collectionSizeBytes?: number];

interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly expiresAt: number;
  readonly outcomes: readonly RecordedOutcome[];
}

export const IDEMPOTENT_MISMATCH =
  'Request parameters do not match the parameters of the original request for this ClientRequestToken';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The outcomes recorded for the claim's token when it is still live and the
 * request is the same; undefined when the token is free. A live token used by
 * another request throws IdempotentParameterMismatchException.
 */
export function readIdempotencyRecord(tx: ReadTransaction, claim: IdempotencyClaim): WriteOutcome[] | undefined {
  const bytes = tx.get(claim.key);
  if (bytes === undefined) return undefined;
  const record = JSON.parse(decoder.decode(bytes)) as IdempotencyRecord;
  if (record.expiresAt <= claim.now) return undefined;
  if (record.fingerprint !== claim.fingerprint) throw new DynamoError('IdempotentParameterMismatchException', IDEMPOTENT_MISMATCH);
  return record.outcomes.map(([oldSize, newSize, collectionSizeBytes]) => ({
    old: undefined,
    item: undefined,
    oldSize,
    newSize,
    indexWrites: [],
    ...(collectionSizeBytes === undefined ? {} : { collectionSizeBytes }),
  }));
}

export function writeIdempotencyRecord(tx: WriteTransaction, claim: IdempotencyClaim, outcomes: readonly WriteOutcome[]): void {
  const record: IdempotencyRecord = {
    fingerprint: claim.fingerprint,
    expiresAt: claim.now + IDEMPOTENCY_WINDOW_MS,
    outcomes: outcomes.map((outcome): RecordedOutcome =>
      outcome.collectionSizeBytes === undefined
        ? [outcome.oldSize, outcome.newSize]
        : [outcome.oldSize, outcome.newSize, outcome.collectionSizeBytes],
    ),
  };
  purgeExpired(tx, claim);
  tx.put(claim.key, encoder.encode(JSON.stringify(record)));
}

function expired(bytes: Uint8Array, now: number): boolean {
  return (JSON.parse(decoder.decode(bytes)) as IdempotencyRecord).expiresAt <= now;
}

/**
 * Deletes the expired records among the PURGE_BATCH that follow the claim's
 * key, wrapping round to the first record. Tokens are the client's choice, so
 * where a claim lands is spread over the whole keyspace and, over many claims,
 * every expired record is reached.
 */
function purgeExpired(tx: WriteTransaction, claim: IdempotencyClaim): void {
  // Every record's key starts with the same kind byte (keyspace.ts).
  const start = claim.key.subarray(0, 1);
  const end = new Uint8Array([(start[0] as number) + 1]);
  const after = [...tx.range({ start: claim.key, end, limit: PURGE_BATCH + 1 })].filter((entry) => compareBytes(entry.key, claim.key) !== 0);
  const wrapped = after.length < PURGE_BATCH ? [...tx.range({ start, end: claim.key, limit: PURGE_BATCH - after.length })] : [];
  const stale = [...after.slice(0, PURGE_BATCH), ...wrapped].filter((entry) => expired(entry.value, claim.now)).map((entry) => entry.key);
  for (const key of stale) tx.delete(key);
}
