/**
 * `--workers N`: N server processes on one port and one store, so every core
 * of a machine serves. The primary process serves nothing itself: it holds
 * the data directory's lock (so no other server opens the directory, while
 * its own workers do: LMDB is multi-process safe, one writer at a time), starts
 * the workers with Node's cluster module, starts a worker again if one dies,
 * and on SIGTERM or SIGINT stops them all gracefully before it releases the
 * lock. The workers accept connections from the shared socket themselves
 * (SCHED_NONE): with the cluster's default round robin the primary accepts
 * each connection and passes it on, and one passed to a worker as it died was
 * seen to stay with the primary, unanswered and never closed.
 *
 * Nothing is shared in memory: each worker caches the catalog and checks it
 * against storage's version (catalog.ts), and background work that must run
 * once runs under a lease (leases.ts). A worker exits when its primary is
 * gone (its IPC channel closes), so no worker outlives the lock's holder.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.js';
import type { Storage } from '../storage/storage.js';
import { openStorage } from './dynalith.js';

export interface PrimaryStarted {
  readonly endpoint: string;
  /** Stops every worker gracefully, then releases the store; resolves once all have exited. */
  stop(): Promise<void>;
  /** Kills every worker at once (a second signal). */
  kill(): void;
}

/**
 * Runs in the primary: holds the store (and its lock), forks `config.workers`
 * workers and resolves once each listens. Rejects if a worker exits before
 * listening.
 */
export async function startPrimary(config: Config, log: (line: string) => void): Promise<PrimaryStarted> {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const storage: Storage | undefined = config.storageUrl === undefined ? await openStorage(config) : undefined;
  let stopping = false;
  const live = new Set<Worker>();
  const exited = new Set<Promise<void>>();
  let endpoint = '';

  // Until every first worker listens, a worker's death fails the start (a bad setting, a port in use would fail again).
  let serving = false;
  const fork = (): Promise<void> => {
    const worker = cluster.fork();
    let listened = false;
    worker.once('listening', () => (listened = true));
    live.add(worker);
    const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    exited.add(gone);
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      exited.delete(gone);
      if (stopping || !serving) return;
      log(`dynalith: worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      // One that died before it listened is started again after a pause, not in a tight loop.
      const restart = () => {
        if (!stopping) void fork().catch((error: unknown) => log(`dynalith: ${(error as Error).message}`));
      };
      // The timer is not unref'd: with every worker gone, it is what keeps the primary running.
      if (listened) restart();
      else setTimeout(restart, 1000);
    });
    return new Promise<void>((resolve, reject) => {
      let why = `a worker exited before it listened`;
      worker.on('message', (message: unknown) => {
        if (typeof message === 'object' && message !== null && typeof (message as { startupError?: unknown }).startupError === 'string') {
          why = (message as { startupError: string }).startupError;
        }
      });
      worker.once('listening', (address) => {
        const host = address.address === undefined || address.address === null ? config.host : String(address.address);
        endpoint = `${config.tls === undefined ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
        resolve();
      });
      worker.once('exit', () => reject(new Error(why)));
    });
  };

  const stopAll = async (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of live) worker.process.kill(signal);
    while (exited.size > 0) await Promise.all(exited);
    await storage?.close();
  };

  try {
    // One at a time: the first opens the store's catalog alone.
    for (let i = 0; i < config.workers; i++) await fork();
    serving = true;
  } catch (error) {
    await stopAll('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    stop: () => stopAll('SIGTERM'),
    kill() {
      stopping = true;
      for (const worker of live) worker.process.kill('SIGKILL');
    },
  };
}

/** In a worker that cannot start: tells the primary why (it says so, once, for all of them) and exits. */
export function reportStartupFailure(message: string): void {
  const exit = () => process.exit(2);
  // The callback runs once the message is sent, or failed to be (the primary is gone).
  if (process.send === undefined) exit();
  else process.send({ startupError: message }, exit);
}

/** In a worker: exit once the primary is gone, however it went. */
export function followPrimary(): void {
  process.once('disconnect', () => process.exit(1));
}

export const isWorker = (): boolean => cluster.isWorker;
