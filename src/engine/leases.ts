/**
 * Leases: background work that must run in one process of all (the TTL
 * sweeper and stream retention; later backups, replication, alarms) runs
 * only while its process holds the job's lease, a record in storage (prefix
 * 0x07 + the job's name) naming the holder and when the lease ends. The
 * holder renews it as it works; once it stops renewing (it died, or was
 * stopped and released it), the next process that asks after the end takes
 * it over. Taking and renewing are one write transaction each, so two
 * processes never both hold a lease. The processes' clocks are compared: they
 * must agree to well within the lease's length (NTP does).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Storage } from '../storage/storage.js';
import { leaseKey } from './keyspace.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface LeaseRecord {
  readonly holder: string;
  /** Milliseconds since the epoch. */
  readonly until: number;
}

/** A name for a lease's holder, as operators read it in the record: process id, host, and a unique suffix. */
export function holderName(): string {
  return `${process.pid}@${hostname()}/${randomUUID()}`;
}

export class Lease {
  /** Until when this process is known to hold the lease (0: not held). */
  private heldUntil = 0;
  private readonly key: Uint8Array;

  constructor(
    private readonly storage: Storage,
    job: string,
    private readonly lengthMs = 10_000,
    readonly holder: string = holderName(),
    private readonly now: () => number = Date.now,
  ) {
    this.key = leaseKey(job);
  }

  /**
   * True when this process holds the lease now: taken if free or ended,
   * renewed once half of it has passed, so a holder writes about twice per
   * lease length.
   */
  async hold(): Promise<boolean> {
    const now = this.now();
    if (now < this.heldUntil - this.lengthMs / 2) return true;
    const until = now + this.lengthMs;
    const held = await this.storage.write((tx) => {
      const stored = tx.get(this.key);
      const current = stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as LeaseRecord);
      if (current !== undefined && current.holder !== this.holder && current.until > now) return false;
      tx.put(this.key, encoder.encode(JSON.stringify({ holder: this.holder, until } satisfies LeaseRecord)));
      return true;
    });
    this.heldUntil = held ? until : 0;
    return held;
  }

  /** Gives the lease up (a clean stop), so another process takes it at once instead of after it ends. */
  async release(): Promise<void> {
    if (this.heldUntil === 0) return;
    this.heldUntil = 0;
    await this.storage.write((tx) => {
      const stored = tx.get(this.key);
      if (stored !== undefined && (JSON.parse(decoder.decode(stored)) as LeaseRecord).holder === this.holder) tx.delete(this.key);
    });
  }
}
