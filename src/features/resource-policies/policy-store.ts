/**
 * Resource-based policies in storage: one JSON record per policied resource
 * (a table, or one of its streams), keyed by the table's id so a policy goes
 * with its table (the table purge deletes the range) and a new table of the
 * same name starts without one.
 */
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { resourcePolicyKey } from '../../engine/keyspace.js';

export interface StoredPolicy {
  /** The document as DynamoDB hands it back: whitespace outside strings removed. */
  readonly policy: string;
  /** Epoch milliseconds of the change, as text (DynamoDB's 13-digit revision ids, strictly increasing per resource). */
  readonly revisionId: string;
}

/** Which resource: a table by id, or a stream of it by label. */
export interface PolicyTarget {
  readonly tableId: number;
  readonly streamLabel?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function readPolicy(tx: ReadTransaction, target: PolicyTarget): StoredPolicy | undefined {
  const stored = tx.get(resourcePolicyKey(target.tableId, target.streamLabel));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as StoredPolicy);
}

export function writePolicy(tx: WriteTransaction, target: PolicyTarget, policy: StoredPolicy): void {
  tx.put(resourcePolicyKey(target.tableId, target.streamLabel), encoder.encode(JSON.stringify(policy)));
}

export function deletePolicy(tx: WriteTransaction, target: PolicyTarget): void {
  tx.delete(resourcePolicyKey(target.tableId, target.streamLabel));
}

/** A revision id later than `previous` (ids are change times, so two changes in one millisecond still order). */
export function nextRevisionId(previous: string | undefined, now = Date.now()): string {
  const last = previous === undefined ? 0 : Number(previous);
  return String(Math.max(now, Number.isSafeInteger(last) ? last + 1 : 0));
}
