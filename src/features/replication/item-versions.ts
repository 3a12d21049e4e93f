/**
 * Last writer wins, DynamoDB's conflict resolution for global tables
 * (version 2019.11.21: "last writer wins" on the time of the write). Each
 * item of a replicated table has a version record: the time of its last
 * write (epoch ms) and the region it was made in, which breaks ties, so every
 * replica orders any two writes alike. A local write takes a time later than
 * the item's version (`max(now, version + 1)`), so a region never overwrites
 * a newer write with an older one; a replicated change applies only when its
 * version is later than the item's. A delete keeps its version (a tombstone
 * record), so a put older than the delete cannot bring the item back; the
 * tombstones stay while the table is replicated and go with its data.
 *
 * | key | value |
 * |---|---|
 * | `0x61` + the item's key after its `0x10` | `{"t": ms, "r": region, "d": true when deleted}` |
 */
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { REPLICATION_PREFIX } from '../../engine/keyspace.js';
import type { TableRecord } from '../../engine/table.js';

export interface ItemVersion {
  /** Epoch ms of the write. */
  readonly at: number;
  /** The region the write was made in. */
  readonly region: string;
}

interface StoredVersion {
  readonly t: number;
  readonly r: string;
  readonly d?: true;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isReplicated(table: TableRecord): boolean {
  return (table.Replicas?.length ?? 0) > 0;
}

/** The version record's key: the item's key under the version prefix. */
export function versionKey(itemKey: Uint8Array): Uint8Array {
  const key = Uint8Array.from(itemKey);
  key[0] = REPLICATION_PREFIX.VERSION;
  return key;
}

export function readVersion(tx: ReadTransaction, itemKey: Uint8Array): ItemVersion | undefined {
  const stored = tx.get(versionKey(itemKey));
  if (stored === undefined) return undefined;
  const { t, r } = JSON.parse(decoder.decode(stored)) as StoredVersion;
  return { at: t, region: r };
}

/** Whether `a` was written after `b`; a missing version (an item written before the table was replicated) is earliest. */
export function isLater(a: ItemVersion, b: ItemVersion | undefined): boolean {
  if (b === undefined) return true;
  return a.at !== b.at ? a.at > b.at : a.region > b.region;
}

/** The version a write made here takes: now, or just after the item's version if that is later (another region's clock runs ahead). */
export function localVersion(tx: ReadTransaction, table: TableRecord, itemKey: Uint8Array, nowMs: number): ItemVersion {
  const current = readVersion(tx, itemKey);
  return { at: current === undefined ? nowMs : Math.max(nowMs, current.at + 1), region: table.region };
}

export function writeVersion(tx: WriteTransaction, itemKey: Uint8Array, version: ItemVersion, deleted: boolean): void {
  const stored: StoredVersion = { t: version.at, r: version.region, ...(deleted ? { d: true } : {}) };
  tx.put(versionKey(itemKey), encoder.encode(JSON.stringify(stored)));
}
