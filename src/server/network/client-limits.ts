import { isLoopback } from './loopback.js';
/**
 * What keeps one client from taking a server for itself: a cap on open
 * connections (in all, and from one address) and a request rate per
 * address, a token bucket that refills `rate` tokens a second up to `rate`
 * (one second's worth of burst).
 */

export class ConnectionCounter {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /**
   * Counts a new connection from `address`, unless it is over a limit (then
   * false, and nothing is counted). Loopback clients are every process of
   * this machine under one address (a test suite's many clients, the console,
   * scripts): only the total bounds them.
   */
  open(address: string): boolean {
    const open = this.byAddress.get(address) ?? 0;
    if (this.total >= this.maxTotal || (open >= this.maxPerAddress && !isLoopback(address))) return false;
    this.total++;
    this.byAddress.set(address, open + 1);
    return true;
  }

  close(address: string): void {
    this.total--;
    const open = this.byAddress.get(address)! - 1;
    if (open === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, open);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets full for this long are forgotten: a full bucket is what a new one is. */
const FORGET_AFTER_MS = 60_000;

export class RequestRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  /** `rate`: requests a second per address. */
  constructor(private readonly rate: number) {}

  /** Takes a token from `address`'s bucket: false when it has none (the request is throttled). */
  take(address: string, now = Date.now()): boolean {
    this.sweep(now);
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      bucket = { tokens: this.rate, at: now };
      this.buckets.set(address, bucket);
    } else {
      bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) * this.rate) / 1000);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Drops the buckets of addresses quiet long enough to be full again, so many addresses cannot grow the map for ever. */
  private sweep(now: number): void {
    if (now - this.lastSweep < FORGET_AFTER_MS) return;
    this.lastSweep = now;
    for (const [address, bucket] of this.buckets) {
      if (now - bucket.at >= FORGET_AFTER_MS) this.buckets.delete(address);
    }
  }
}
