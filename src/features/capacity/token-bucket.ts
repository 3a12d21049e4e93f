/**
 * A token bucket of capacity units: it fills at `rate` units a second up to
 * `capacity` (DynamoDB's burst: up to 300 seconds of unused capacity), a
 * request is let in while the bucket holds any units, and what it consumed
 * is taken out afterwards, so one large request may leave the bucket in
 * debt that later requests wait out (DynamoDB admits a request before it
 * knows its size, too).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private rate: number,
    private capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
    this.updatedAt = now;
  }

  /** Follows a changed rate (UpdateTable, or processes joining or leaving); the units held stay, up to the new capacity. */
  resize(rate: number, capacity: number, now: number): void {
    if (rate === this.rate && capacity === this.capacity) return;
    this.refill(now);
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  /** Whether a request may start now. */
  admits(now: number): boolean {
    this.refill(now);
    return this.tokens > 0;
  }

  take(units: number, now: number): void {
    this.refill(now);
    this.tokens -= units;
  }
}
