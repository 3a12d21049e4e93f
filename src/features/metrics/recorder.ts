/**
 * What this process recorded and has not yet added to storage. A request
 * adds to an accumulator (sum, count, minimum, maximum) per series and
 * minute; every flush interval, and before anything reads the stored data,
 * the finished and current minutes are added to storage in one transaction
 * (metric-store.ts), so every process's data is seen together.
 */
import type { Storage } from '../../storage/storage.js';
import { addMetricData, type MinuteStat } from './metric-store.js';
import { PendingWrites } from '../../engine/pending-writes.js';
import { minuteOf } from './metric-series.js';

/** One series' open minute. */
export class Accumulator {
  minute = 0;
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(
    readonly series: string,
    private readonly recorder: MetricRecorder,
  ) {}

  add(value: number, now: number = Date.now()): void {
    const minute = minuteOf(now);
    if (minute !== this.minute) {
      this.close();
      this.minute = minute;
    }
    this.sum += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Hands what it holds to the recorder's pending data and starts empty. */
  close(): void {
    if (this.count === 0) return;
    this.recorder.pending.push({ series: this.series, minute: this.minute, stat: { sum: this.sum, count: this.count, min: this.min, max: this.max } });
    this.sum = 0;
    this.count = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

export class MetricRecorder {
  private readonly accumulators = new Map<string, Accumulator>();
  /** Closed minutes waiting for the next flush; each flush closes the open ones first. */
  readonly pending: PendingWrites<MinuteStat>;
  private timer: NodeJS.Timeout | undefined;

  constructor(storage: Storage) {
    this.pending = new PendingWrites(storage, addMetricData, () => {
      for (const accumulator of this.accumulators.values()) accumulator.close();
    });
  }

  /** The accumulator of a series (its text: metric-series.ts), made on first use. */
  accumulator(series: string): Accumulator {
    let found = this.accumulators.get(series);
    if (found === undefined) {
      found = new Accumulator(series, this);
      this.accumulators.set(series, found);
    }
    return found;
  }

  /** Adds everything recorded so far to storage (see PendingWrites). */
  flush(): Promise<void> {
    return this.pending.flush();
  }

  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => this.flush().catch(onError), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and adds what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }
}
