/**
 * Open-loop load at a fixed rate: `rate` requests a second, sent in a burst
 * every tick whatever the answers' pace, below saturation. Latencies then
 * show what a request meets (another job's work, a pause) rather than the
 * queue a closed loop builds for itself.
 */
import type { Client } from './client.js';
import type { Request } from './load.js';

const TICK_MS = 10;

export interface Paced {
  readonly sent: number;
  /** Each request's latency in ms, in the order answered. */
  readonly latencies: number[];
}

/** Runs until `done()` says so (checked every tick); every answer must be a 200. */
export async function pace(client: Client, rate: number, done: () => boolean, request: (i: number) => Request): Promise<Paced> {
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const latencies: number[] = [];
  let sent = 0;
  while (!done()) {
    const tick = performance.now();
    await Promise.all(
      Array.from({ length: perTick }, async () => {
        const { operation, payload } = request(sent++);
        const start = performance.now();
        const reply = await client.send(operation, payload);
        latencies.push(performance.now() - start);
        if (reply.status !== 200) throw new Error(`${operation} answered ${reply.status}: ${reply.body}`);
      }),
    );
    const left = TICK_MS - (performance.now() - tick);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
  return { sent, latencies };
}

/** A `done` for `pace` that ends after `seconds`. */
export function forSeconds(seconds: number): () => boolean {
  const until = performance.now() + seconds * 1000;
  return () => performance.now() >= until;
}
