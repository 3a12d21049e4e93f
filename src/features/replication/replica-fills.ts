/**
 * Filling a new replica: the table's items are copied to it a page at a
 * time, each as a replicated change carrying the item's version, while the
 * replicator sends the changes made since the replica was added (its cursor
 * starts there). Last writer wins makes the two commute: a copied item older
 * than a change already applied loses to it, and a change deleting an item
 * leaves a tombstone a later copy of it cannot pass. When the copy is done,
 * the replica turns ACTIVE in every replica's record and its own table
 * turns ACTIVE.
 *
 * | key | value |
 * |---|---|
 * | `0x62` + u32 source table id + region | the fill: the source table, the target region, the last key copied, counts (JSON) |
 */
import type { ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { REPLICATION_PREFIX, itemPrefix, tableRecordsPrefix } from '../../engine/keyspace.js';
import { prefixRange } from '../../engine/prefix-range.js';
import { decodeStored } from '../../engine/stored-item.js';
import { Pace } from '../../engine/background-work.js';
import type { Services } from '../../engine/services.js';
import { readVersion } from './item-versions.js';
import { regionRecordKey } from './replica-cursors.js';
import type { ReplicatedChange, ReplicaTarget } from './apply-replicated.js';
import { changeReplicas, markReplicaActive, otherReplicas } from './replica-group.js';
import { callPeer, peerOf } from './peers.js';
import { deliverChanges } from './deliver-changes.js';

export interface ReplicaFill {
  readonly sourceId: number;
  readonly account: string;
  readonly sourceRegion: string;
  readonly TableName: string;
  readonly region: string;
  /** The last item key copied (base64), absent before the first page. */
  readonly after?: string;
  readonly copied: number;
  /** The source's item count when the fill began, for ReplicaStatusPercentProgress. */
  readonly total: number;
}

const PAGE = 100;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fillKey(sourceId: number, region: string): Uint8Array {
  return regionRecordKey(REPLICATION_PREFIX.FILL, sourceId, region);
}

export function writeFill(tx: WriteTransaction, fill: ReplicaFill): void {
  tx.put(fillKey(fill.sourceId, fill.region), encoder.encode(JSON.stringify(fill)));
}

export function deleteFill(tx: WriteTransaction, sourceId: number, region: string): void {
  tx.delete(fillKey(sourceId, region));
}

export function readFill(tx: ReadTransaction, sourceId: number, region: string): ReplicaFill | undefined {
  const stored = tx.get(fillKey(sourceId, region));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as ReplicaFill);
}

export function pendingFills(tx: ReadTransaction): ReplicaFill[] {
  const range = { start: new Uint8Array([REPLICATION_PREFIX.FILL]), end: new Uint8Array([REPLICATION_PREFIX.FILL + 1]) };
  return [...tx.range(range)].map(({ value }) => JSON.parse(decoder.decode(value)) as ReplicaFill);
}

/** ReplicaStatusPercentProgress of each replica being filled from the table, by region. */
export async function fillProgress(storage: Storage, sourceId: number): Promise<Map<string, string>> {
  const fills = await storage.read((tx) => [...tx.range(prefixRange(tableRecordsPrefix(REPLICATION_PREFIX.FILL, sourceId)))].map(({ value }) => JSON.parse(decoder.decode(value)) as ReplicaFill));
  return new Map(fills.map((fill) => [fill.region, String(fill.total === 0 ? 0 : Math.min(99, Math.floor((fill.copied * 100) / fill.total)))]));
}

/**
 * Copies the source's items to the replica from the stored position until
 * `untilMs` (so the replicator's round goes on to send changes), and makes
 * the replica ACTIVE once all are copied.
 */
export async function runFill(services: Services, start: ReplicaFill, stopped: () => boolean, untilMs: number): Promise<void> {
  const { storage } = services;
  const target: ReplicaTarget = { account: start.account, region: start.region, TableName: start.TableName };
  const pace = new Pace();
  for (;;) {
    if (stopped() || Date.now() >= untilMs) return;
    const page = await storage.read((tx) => {
      const fill = readFill(tx, start.sourceId, start.region);
      if (fill === undefined) return undefined;
      const range = prefixRange(itemPrefix(start.sourceId));
      const from = fill.after === undefined ? range.start : Uint8Array.from([...Buffer.from(fill.after, 'base64'), 0]);
      const entries = [...tx.range({ start: from, end: range.end, limit: PAGE })];
      const changes = entries.map(({ key, value }): ReplicatedChange => {
        const item = decodeStored(value);
        return { key: item, item, version: readVersion(tx, key) ?? { at: 0, region: start.sourceRegion } };
      });
      return { fill, changes, last: entries.at(-1)?.key };
    });
    if (page === undefined) return;
    if (page.changes.length > 0 && !(await deliverChanges(services, target, start.sourceRegion, page.changes))) return;
    if (page.changes.length < PAGE) return finish(services, page.fill);
    const next: ReplicaFill = { ...page.fill, after: Buffer.from(page.last!).toString('base64'), copied: page.fill.copied + page.changes.length };
    await storage.write((tx) => {
      if (readFill(tx, start.sourceId, start.region) !== undefined) writeFill(tx, next);
    });
    await pace.breathe();
  }
}

/**
 * The copy is done: the replica is ACTIVE in every replica's list, and its
 * table ACTIVE. The peers are told first: until all have taken it, the fill
 * stays, and the next round tells them again.
 */
async function finish(services: Services, fill: ReplicaFill): Promise<void> {
  const { catalog, config } = services;
  await catalog.refreshIfStale();
  const source = catalog.get({ account: fill.account, region: fill.sourceRegion }, fill.TableName);
  const regions = source === undefined || source.id !== fill.sourceId ? [] : (source.Replicas ?? []).map((replica) => replica.RegionName);
  for (const region of regions) {
    if (peerOf(config, region) !== undefined) await callPeer(config, region, 'SetReplicaActive', { TableName: fill.TableName, RegionName: fill.region });
  }
  await changeReplicas(services, (group) => {
    deleteFill(group.tx, fill.sourceId, fill.region);
    const current = group.current({ account: fill.account, region: fill.sourceRegion }, fill.TableName);
    if (current === undefined || current.id !== fill.sourceId) return;
    for (const member of [current, ...otherReplicas(group, current)]) markReplicaActive(group, member, fill.region);
  });
}
