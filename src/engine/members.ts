/**
 * The processes serving one store, counted from heartbeats in storage: each
 * keeps a record (prefix 0x08 + its holder name) saying until when it is
 * alive, renewed every interval, and counts the records still alive. Rates
 * that the processes share (capacity enforcement: each takes its part of a
 * table's rate) divide by the count. A process that dies stops counting
 * three intervals later; records long dead are deleted by whoever beats next.
 */
import type { Storage } from '../storage/storage.js';
import { holderName } from './leases.js';
import { memberKey, MEMBER_RECORDS } from './keyspace.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Members {
  private live = 1;
  private timer: NodeJS.Timeout | undefined;
  private readonly key: Uint8Array;

  constructor(
    private readonly storage: Storage,
    private readonly intervalMs = 1000,
    holder: string = holderName(),
    private readonly now: () => number = Date.now,
  ) {
    this.key = memberKey(holder);
  }

  /** The processes alive at the last heartbeat, this one included. */
  get count(): number {
    return this.live;
  }

  /** Beats now and every interval until stop(). A failed beat (storage away) keeps the last count. */
  async start(): Promise<void> {
    await this.beat().catch(() => undefined);
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  async beat(): Promise<number> {
    const now = this.now();
    this.live = await this.storage.write((tx) => {
      tx.put(this.key, encoder.encode(String(now + 3 * this.intervalMs)));
      let live = 0;
      for (const { key, value } of tx.range(MEMBER_RECORDS)) {
        const until = Number(decoder.decode(value));
        if (until > now) live++;
        else if (until < now - 60 * this.intervalMs) tx.delete(key);
      }
      return Math.max(1, live);
    });
    return this.live;
  }

  /** Stops beating and removes this process's record, so the others stop counting it at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.storage.write((tx) => tx.delete(this.key)).catch(() => undefined);
  }
}
