/**
 * Load from several threads (`--clients n`): one event loop can only send so
 * many requests per second, so when a single client thread cannot keep the
 * fastest server busy the connections are shared out among n worker threads,
 * each with its own undici pool. Every thread warms up first; the window is
 * measured from the moment all are warm until the last has finished.
 */
import { Worker } from 'node:worker_threads';
import type { Tally } from './lib/load.js';
import type { WorkloadRef } from './sets.js';

/** What a load thread is started with (its workerData). */
export interface ThreadData {
  readonly endpoint: string;
  readonly connections: number;
  readonly ref: WorkloadRef;
  readonly seed: number;
  readonly warmupSeconds: number;
}

export type ToThread = { readonly kind: 'go'; readonly seconds: number };
export type FromThread = { readonly kind: 'warm' } | { readonly kind: 'done'; readonly tally: Tally };

export interface ThreadLoad {
  readonly endpoint: string;
  readonly ref: WorkloadRef;
  readonly connections: number;
  readonly clients: number;
  readonly seed: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

const THREAD = new URL('./load-thread.js', import.meta.url);

/** One thread's next message of the given kind; rejects if the thread fails or exits first. */
function expect<K extends FromThread['kind']>(worker: Worker, kind: K): Promise<Extract<FromThread, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromThread) => {
      if (message.kind !== kind) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      worker.off('exit', onExit);
      resolve(message as Extract<FromThread, { kind: K }>);
    };
    const onExit = (code: number) => reject(new Error(`load thread exited (${code}) before '${kind}'`));
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', onExit);
  });
}

/**
 * Runs the window on `clients` threads. `startMeter` is called when every
 * thread is warm and the stop function it returns when all are done, so its
 * readings cover the measured window only.
 */
export async function driveThreads<R>(load: ThreadLoad, startMeter: () => () => R): Promise<{ tallies: Tally[]; reading: R }> {
  const clients = Math.max(1, Math.min(load.clients, load.connections));
  const workers = Array.from({ length: clients }, (_, k) => {
    // Connections shared out as evenly as they go: 32 over 3 threads is 11 + 11 + 10.
    const connections = Math.floor(load.connections / clients) + (k < load.connections % clients ? 1 : 0);
    const workerData: ThreadData = { endpoint: load.endpoint, connections, ref: load.ref, seed: load.seed + k, warmupSeconds: load.warmupSeconds };
    return new Worker(THREAD, { workerData });
  });
  try {
    const done = workers.map((worker) => expect(worker, 'done'));
    // The 'done' promises may reject while the threads warm up; they are awaited below.
    for (const promise of done) promise.catch(() => {});
    await Promise.all(workers.map((worker) => expect(worker, 'warm')));
    const stop = startMeter();
    const go: ToThread = { kind: 'go', seconds: load.seconds };
    for (const worker of workers) worker.postMessage(go);
    const tallies = (await Promise.all(done)).map((message) => message.tally);
    return { tallies, reading: stop() };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
