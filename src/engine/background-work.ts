/**
 * What the background work of the engine (index backfills and purges, table
 * purges, TTL indexing) shares: a yield to the event loop between its
 * transactions, and the retry of a transaction the disk could not take.
 */
import type { Storage, WriteTransaction } from '../storage/storage.js';
import { CommitFailed } from '../storage/faults.js';

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
