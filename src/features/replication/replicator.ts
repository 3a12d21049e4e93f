/**
 * The replicator: one process of all (the `replication` lease) sends each
 * replicated table's changes made in its region to every other replica, in
 * log order, a batch at a time, and moves the replica's cursor past a batch
 * once it is applied there; it also copies tables into new replicas
 * (replica-fills.ts). Changes that came from another region are not sent on:
 * every region sends its own writes to every other (a full mesh, as
 * DynamoDB's replication is), so nothing loops.
 */
import { startLeasedWork } from '../../engine/leased-work.js';
import type { PeriodicJob } from '../../engine/periodic-job.js';
import { readChanges, readLogHead, type Change, type LogHead } from '../../engine/change-log.js';
import type { Services } from '../../engine/services.js';
import { allCursors, readCursor, writeCursor, type Cursor } from './replica-cursors.js';
import { isReplicated } from './item-versions.js';
import { pendingFills, runFill, type ReplicaFill } from './replica-fills.js';
import type { ReplicatedChange } from './apply-replicated.js';
import { deliverChanges } from './deliver-changes.js';

/** Changes read and sent per round trip. */
const BATCH = 500;
/** How long a round sends one replica changes, or copies into new replicas, before it turns to the rest. */
const SLICE_MS = 500;

interface Due {
  readonly cursor: Cursor;
  readonly head: LogHead;
}

function replicated(change: Change, region: string): ReplicatedChange {
  const image = (change.new ?? change.old)!;
  return {
    key: image,
    ...(change.new !== undefined ? { item: change.new } : {}),
    version: { at: change.version ?? change.at, region },
    ...(change.ttl === true ? { ttl: true } : {}),
  };
}

/** Sends the table's changes from the cursor on to the replica until it has them all, or until `untilMs`. */
async function sendChanges(services: Services, { cursor, head }: Due, stopped: () => boolean, untilMs: number): Promise<void> {
  const target = { account: head.account, region: cursor.region, TableName: head.TableName };
  let next = cursor.next;
  while (!stopped() && Date.now() < untilMs) {
    const changes = await services.storage.read((tx) => (readCursor(tx, cursor.tableId, cursor.region) === next ? [...readChanges(tx, cursor.tableId, next, undefined, BATCH)] : undefined));
    if (changes === undefined || changes.length === 0) return;
    const local = changes.filter((change) => change.from === undefined);
    if (local.length > 0 && !(await deliverChanges(services, target, head.region, local.map((change) => replicated(change, head.region))))) return;
    const after = changes[changes.length - 1]!.sequence + 1;
    const now = Date.now();
    services.metrics.replicated(head, cursor.region, local.map((change) => now - change.at), Math.max(0, head.next - after));
    const moved = await services.storage.write((tx) => {
      if (readCursor(tx, cursor.tableId, cursor.region) !== next) return false;
      writeCursor(tx, cursor.tableId, cursor.region, after);
      return true;
    });
    if (!moved) return;
    next = after;
  }
}

/** How often a replica that cannot be reached is reported, while it stays so. */
const REPORT_EVERY_MS = 30_000;

export function startReplication(services: Services): PeriodicJob {
  const reported = new Map<string, number>();
  // A replica that cannot be reached (its server down, a network cut) keeps its changes queued in the log;
  // the others go on, and the failure is logged now and then rather than every round.
  const attempt = async (region: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
      reported.delete(region);
    } catch (error) {
      const last = reported.get(region);
      if (last !== undefined && Date.now() - last < REPORT_EVERY_MS) return;
      reported.set(region, Date.now());
      services.logger.warn({ err: error, region }, 'replication: the replica cannot be reached or refused; its changes wait in the log');
    }
  };
  const job = startLeasedWork<{ due: Due[]; fills: ReplicaFill[] }>({
    storage: services.storage,
    name: 'replication',
    intervalMs: 100,
    onError: (error) => services.logger.warn({ err: error }, 'replication: a round failed; it is tried again'),
    find(tx) {
      const due = allCursors(tx).flatMap((cursor) => {
        const head = readLogHead(tx, cursor.tableId);
        return head !== undefined && cursor.next < head.next ? [{ cursor, head }] : [];
      });
      const fills = pendingFills(tx);
      return due.length === 0 && fills.length === 0 ? undefined : { due, fills };
    },
    async work({ due, fills }, stopped) {
      for (const entry of due) await attempt(entry.cursor.region, () => sendChanges(services, entry, stopped, Date.now() + SLICE_MS));
      for (const fill of fills) await attempt(fill.region, () => runFill(services, fill, stopped, Date.now() + SLICE_MS));
    },
  });
  // A write here to a replicated table starts a round at once (the lag a client sees); writes of other processes wait for the interval.
  services.items.onCommit((table) => {
    if (isReplicated(table)) job.wake();
  });
  return job;
}
