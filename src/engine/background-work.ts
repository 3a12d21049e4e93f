/**
 * What the background work of the engine (index backfills and purges, table
 * purges, TTL indexing; backups, restores, exports and imports) shares: a
 * yield to the event loop between its transactions, a pace for the long jobs,
 * and the retry of a transaction the disk could not take.
 */
import type { Storage, WriteTransaction } from '../storage/storage.js';
import { CommitFailed } from '../storage/faults.js';

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How long a paced job works (wall time, its awaits included) before it rests. */
const SLICE_MS = 2;
/** How long it then rests, per ms worked: it keeps to a third of the time. */
const REST_PER_MS_WORKED = 2;

/**
 * Keeps a long job (copying a million items) to about a third of the time:
 * it yields between its pieces of work, and after each slice of SLICE_MS it
 * rests twice as long as the slice took. Requests then wait for at most a piece of
 * its work, and on a machine whose cores are all busy (the storage's commit
 * thread, compression on the thread pool, clients) the job does not take the
 * CPU the foreground needs: measured on 2 cores, a 1,000,000-item backup
 * without rests raised GetItem's p99 2.5-fold, an export 4.5-fold
 * (docs/performance.md, "Backups and exports under load").
 */
export class Pace {
  private sliceStart = performance.now();

  /** Call between two pieces of work. */
  async breathe(): Promise<void> {
    const worked = performance.now() - this.sliceStart;
    if (worked < SLICE_MS) return yieldToEventLoop();
    await new Promise((resolve) => setTimeout(resolve, worked * REST_PER_MS_WORKED));
    this.sliceStart = performance.now();
  }
}

/** How long background work waits before it tries a commit the disk could not take again. */
const RETRY_AFTER_FAILED_COMMIT_MS = 1000;

/** What writeBatch answers for a batch whose commit failed: the caller checks its target again and retries. */
export const RETRY = Symbol('retry');

/**
 * A batch of background work. A batch whose commit failed (a full disk;
 * nothing of it was applied) answers RETRY after a pause, so the work goes on
 * once there is space instead of waiting for a restart.
 */
export async function writeBatch<T>(storage: Storage, fn: (tx: WriteTransaction) => T): Promise<T | typeof RETRY> {
  try {
    return await storage.write(fn);
  } catch (error) {
    if (!(error instanceof CommitFailed)) throw error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_FAILED_COMMIT_MS).unref());
    return RETRY;
  }
}
