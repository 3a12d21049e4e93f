/**
 * An open-loop load: requests leave at a fixed rate whatever the answers
 * take, as independent clients would send them, unlike bench's closed loop
 * (bench/lib/load.ts), where a slow answer delays the next request and hides
 * a slow server. Up to `maxOutstanding` requests wait for answers at once;
 * past that the schedule falls behind, which the samples report.
 */
import type { Client } from '../../bench/lib/client.js';
import type { Request } from '../../bench/lib/load.js';

export interface LoadSample {
  readonly requests: number;
  readonly errors: number;
  /** Of every answer in the sample, in ms from sending. */
  readonly latencies: number[];
  /** Requests the schedule wanted sent by now that have not been (the answers lag behind). */
  readonly behind: number;
  readonly errorSamples: string[];
}

const TICK_MS = 5;

export class PacedLoad {
  private requests = 0;
  private errors = 0;
  private latencies: number[] = [];
  private errorSamples = new Set<string>();
  private outstanding = 0;
  private sent = 0;
  private started = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Client,
    private readonly next: () => Request,
    private readonly perSecond: number,
    private readonly maxOutstanding: number,
  ) {}

  start(): void {
    this.started = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  private due(): number {
    return Math.floor(((performance.now() - this.started) * this.perSecond) / 1000);
  }

  private tick(): void {
    const due = this.due();
    while (this.sent < due && this.outstanding < this.maxOutstanding) {
      this.sent++;
      this.send();
    }
  }

  private send(): void {
    const { operation, payload } = this.next();
    const sent = performance.now();
    this.outstanding++;
    const failed = (failure: string) => {
      this.errors++;
      if (this.errorSamples.size < 5) this.errorSamples.add(failure);
    };
    this.client
      .send(operation, payload)
      .then(
        (reply) => (reply.status === 200 ? this.requests++ : failed(`${reply.status} ${(reply.body ?? '').slice(0, 300)}`)),
        (error: Error) => failed(error.message),
      )
      .finally(() => {
        this.latencies.push(performance.now() - sent);
        this.outstanding--;
      });
  }

  /** What happened since the last sample. */
  sample(): LoadSample {
    const sample = { requests: this.requests, errors: this.errors, latencies: this.latencies, behind: Math.max(0, this.due() - this.sent), errorSamples: [...this.errorSamples] };
    this.requests = 0;
    this.errors = 0;
    this.latencies = [];
    this.errorSamples = new Set();
    return sample;
  }

  /** Stops sending and waits for the answers still due. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.outstanding > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
