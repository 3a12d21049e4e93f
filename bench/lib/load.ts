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

export async function drive(client: Client, next: () => Request, connections: number, seconds: number): Promise<Window> {
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
        if (samples.size < 5) samples.add(failure);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, virtualClient));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests,
    errors,
    seconds: elapsed,
    requestsPerSecond: requests / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errorSamples: [...samples],
  };
}
