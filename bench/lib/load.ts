/**
 * A closed-loop load generator: each of `connections` virtual clients sends its
 * next request as soon as the previous one is answered, for a fixed time.
 */
import type { Client } from './client.js';
import { percentile } from './stats.js';

export interface Request {
  readonly operation: string;
  readonly payload: string;
}

/** What one load generator (one thread) saw in a window, before it is merged with the others'. */
export interface Tally {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  /** Every request's latency in ms, in the order answered. */
  readonly latencies: Float64Array;
  readonly errorSamples: string[];
}

export interface Window {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Up to five distinct error answers, to tell a broken workload from a slow one. */
  readonly errorSamples: string[];
}

const MAX_ERROR_SAMPLES = 5;

/** Runs the closed loop in this thread and returns what it saw. */
export async function collect(client: Client, next: () => Request, connections: number, seconds: number): Promise<Tally> {
  const latencies: number[] = [];
  const samples = new Set<string>();
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const virtualClient = async () => {
    while (performance.now() < end) {
      const { operation, payload } = next();
      const sent = performance.now();
      let failure: string | undefined;
      try {
        const reply = await client.send(operation, payload);
        if (reply.status !== 200) failure = `${reply.status} ${(reply.body ?? '').slice(0, 300)}`;
      } catch (error) {
        failure = (error as Error).message;
      }
      latencies.push(performance.now() - sent);
      if (failure === undefined) {
        requests++;
      } else {
        errors++;
        if (samples.size < MAX_ERROR_SAMPLES) samples.add(failure);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, virtualClient));
  return { requests, errors, seconds: (performance.now() - started) / 1000, latencies: Float64Array.from(latencies), errorSamples: [...samples] };
}

/** One window out of the tallies of the threads that ran it side by side for `seconds`. */
export function summarise(tallies: readonly Tally[], seconds: number): Window {
  const latencies = new Float64Array(tallies.reduce((sum, t) => sum + t.latencies.length, 0));
  let offset = 0;
  for (const tally of tallies) {
    latencies.set(tally.latencies, offset);
    offset += tally.latencies.length;
  }
  latencies.sort();
  const requests = tallies.reduce((sum, t) => sum + t.requests, 0);
  return {
    requests,
    errors: tallies.reduce((sum, t) => sum + t.errors, 0),
    seconds,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errorSamples: [...new Set(tallies.flatMap((t) => t.errorSamples))].slice(0, MAX_ERROR_SAMPLES),
  };
}

/** The closed loop in this thread, summarised. */
export async function drive(client: Client, next: () => Request, connections: number, seconds: number): Promise<Window> {
  const tally = await collect(client, next, connections, seconds);
  return summarise([tally], tally.seconds);
}
