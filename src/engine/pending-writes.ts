/**
 * Data gathered in memory and added to storage by flushes (metrics,
 * Contributor Insights): a flush asked for while another runs waits for it
 * and runs after, so they never overlap, and what a failed flush held stays
 * for the next one. `gather` moves what is still being counted into the
 * pending data at the start of each flush.
 */
import type { Storage, WriteTransaction } from '../storage/storage.js';

export class PendingWrites<T> {
  private readonly items: T[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly write: (tx: WriteTransaction, items: readonly T[]) => void,
    private readonly gather: () => void,
  ) {}

  push(item: T): void {
    this.items.push(item);
  }

  flush(): Promise<void> {
    const next = (this.flushing ?? Promise.resolve()).then(() => this.run());
    // The chain goes on past a failed flush; its caller hears of the failure.
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async run(): Promise<void> {
    this.gather();
    if (this.items.length === 0) return;
    const data = this.items.splice(0);
    try {
      await this.storage.write((tx) => this.write(tx, data));
    } catch (error) {
      this.items.unshift(...data);
      throw error;
    }
  }
}
