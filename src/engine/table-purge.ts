/**
 * Deleting a deleted table's data in the background. DeleteTable only removes
 * the table's record (or marks it DELETING) and, in the same transaction,
 * stores a purge marker; the items, index entries, item collection sizes,
 * TTL expiry entries, resource-based policies and replication records then go a chunk at a time, one write transaction each
 * with a yield to the event loop between them, so deleting a large table
 * costs other requests no more than one small transaction at a time. The
 * counters and the marker go last, in the transaction that finds nothing else
 * left.
 *
 * The marker lives in storage, so a purge resumes after a restart, and any
 * process sharing the store may run it: a chunk deletes the first keys still
 * there, so two runs of one purge only repeat work. Table and index ids are
 * never reused, so a new table of the same name never shares a key with the
 * old one's data.
 */
import type { ReadTransaction, Storage, WriteTransaction } from '../storage/storage.js';
import { prefixEnd } from '../model/key-codec.js';
import {
  PURGE_MARKERS,
  collectionPrefix,
  indexPrefix,
  indexStatsKey,
  itemPrefix,
  purgeMarkerKey,
  REPLICATION_PREFIX,
  resourcePolicyPrefix,
  tableRecordsPrefix,
  tableStatsKey,
} from './keyspace.js';
import type { TableRecord } from './table.js';
import { RETRY, writeBatch, yieldToEventLoop } from './background-work.js';
import { spreadCounterKeys } from './counters.js';
import { pendingKey, tableExpiryRange } from '../features/ttl/ttl-keys.js';

export interface ChunkLimit {
  readonly keys: number;
  readonly bytes: number;
}

/**
 * At most this many keys, or values of this many bytes, per transaction:
 * small enough that a chunk holds up other writes about as long as a batch
 * write does (values are read with their keys, so 400 KB items count).
 */
export const PURGE_CHUNK: ChunkLimit = { keys: 1000, bytes: 4 * 1024 * 1024 };

export interface KeyRange {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

/** What a purge deletes: ranges, emptied in order, then single keys once they are all empty. */
export interface PurgeTarget {
  readonly ranges: readonly KeyRange[];
  readonly keys: readonly Uint8Array[];
}


/** Deletes the next chunk of the target's keys; true while more may remain. */
export function purgeChunk(tx: WriteTransaction, target: PurgeTarget, limit: ChunkLimit): boolean {
  let keys = 0;
  let bytes = 0;
  for (const range of target.ranges) {
    // Read before deleting: backends need not support writes during a range walk.
    const doomed: Uint8Array[] = [];
    for (const { key, value } of tx.range({ ...range, limit: limit.keys - keys })) {
      doomed.push(key);
      bytes += key.length + value.length;
      if (bytes >= limit.bytes) break;
    }
    for (const key of doomed) tx.delete(key);
    keys += doomed.length;
    if (keys >= limit.keys || bytes >= limit.bytes) return true;
  }
  for (const key of target.keys) tx.delete(key);
  return false;
}

/**
 * Deletes the target chunk by chunk, yielding to the event loop between
 * chunks (and retrying a chunk the disk could not take), until nothing is
 * left or `stopped()`.
 */
export async function purgeInChunks(storage: Storage, chunk: (tx: WriteTransaction) => boolean, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const more = await writeBatch(storage, chunk);
    if (more === RETRY) continue;
    if (!more) return;
    await yieldToEventLoop();
  }
}

interface Marker {
  /** The ids of the indexes whose entries go: all the table's, or the one deleted index. */
  readonly indexes: readonly number[];
  /** False for the marker of a deleted index (stored under the index's id): its table lives on. */
  readonly table?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Marks a table's data for purging, in the transaction that deletes its
 * record. Indexing its items for TTL stops here, before any item goes.
 */
export function markForPurge(tx: WriteTransaction, table: TableRecord): void {
  const marker: Marker = { indexes: [...table.LocalSecondaryIndexes, ...table.GlobalSecondaryIndexes].map((index) => index.id) };
  tx.put(purgeMarkerKey(table.id), encoder.encode(JSON.stringify(marker)));
  tx.delete(pendingKey(table.id));
}

/**
 * Marks a deleted global index's entries for purging, in the transaction that
 * takes it out of its table's record, so a restart resumes the purge.
 */
export function markIndexForPurge(tx: WriteTransaction, indexId: number): void {
  const marker: Marker = { indexes: [indexId], table: false };
  tx.put(purgeMarkerKey(indexId), encoder.encode(JSON.stringify(marker)));
}

/** The ids (of tables or deleted indexes) whose data is still to be purged. */
export function purgeMarkers(tx: ReadTransaction): number[] {
  return [...tx.range(PURGE_MARKERS)].map(({ key }) => new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(1));
}

/**
 * Items first: a backfill or TTL indexing still running over them then finds
 * nothing more to copy into the index and expiry ranges purged after them.
 */
function tableTarget(id: number, marker: Marker): PurgeTarget {
  const prefixRange = (start: Uint8Array): KeyRange => ({ start, end: prefixEnd(start)! });
  const indexes: PurgeTarget = {
    ranges: marker.indexes.map((index) => prefixRange(indexPrefix(index))),
    keys: [...marker.indexes.flatMap((index) => spreadCounterKeys(indexStatsKey(index))), purgeMarkerKey(id)],
  };
  if (marker.table === false) return indexes;
  return {
    ranges: [
      prefixRange(itemPrefix(id)),
      prefixRange(collectionPrefix(id)),
      tableExpiryRange(id),
      prefixRange(resourcePolicyPrefix(id)),
      // A global table replica's item versions, its cursors and a fill it was the source of.
      ...Object.values(REPLICATION_PREFIX).map((kind) => prefixRange(tableRecordsPrefix(kind, id))),
      ...indexes.ranges,
    ],
    keys: [...spreadCounterKeys(tableStatsKey(id)), ...indexes.keys],
  };
}

/**
 * Purges a marked table (or deleted index) until its marker is gone (here or
 * in another process), or until `stopped()`; the marker stays for the next run.
 */
export function purgeMarked(storage: Storage, tableId: number, stopped: () => boolean, limit: ChunkLimit = PURGE_CHUNK): Promise<void> {
  return purgeInChunks(
    storage,
    (tx) => {
      const marker = tx.get(purgeMarkerKey(tableId));
      return marker !== undefined && purgeChunk(tx, tableTarget(tableId, JSON.parse(decoder.decode(marker)) as Marker), limit);
    },
    stopped,
  );
}
