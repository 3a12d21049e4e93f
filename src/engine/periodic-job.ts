/**
 * Background work that runs every interval: a round is skipped while the
 * previous one still runs (so rounds never overlap), and, with a lease, runs
 * only in the process holding it (one process of all, see leases.ts). A
 * failed round is reported and leaves its work to the next. Stopping waits
 * for the round in progress, which may ask `stopped()` to end early, then
 * gives the lease up so another process takes it at once.
 */
import type { Lease } from './leases.js';

export interface PeriodicJob {
  stop(): Promise<void>;
}

/** A job of startPeriodicJob's, which can also be asked for a round now. */
export interface WakeableJob extends PeriodicJob {
  /** Runs a round now rather than at the next interval (after the one running, if one is). */
  wake(): void;
}

export interface PeriodicJobOptions {
  readonly intervalMs: number;
  readonly lease?: Lease;
  /** Also runs a round at once instead of one interval later. */
  readonly now?: boolean;
  readonly round: (stopped: () => boolean) => Promise<void>;
  readonly onError: (error: unknown) => void;
  /** Runs once the last round has ended (a final flush). */
  readonly onStop?: () => Promise<void>;
}

export function startPeriodicJob(options: PeriodicJobOptions): WakeableJob {
  const { lease, round, onError } = options;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const isStopped = () => stopped;
  const tick = () => {
    running ??= (async () => {
      if (stopped || (lease !== undefined && !(await lease.hold()))) return;
      await round(isStopped);
    })()
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          tick();
        }
      });
  };
  if (options.now === true) tick();
  const timer = setInterval(tick, Math.max(1, options.intervalMs));
  timer.unref();
  return {
    wake() {
      if (running === undefined) tick();
      else again = true;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await options.onStop?.().catch(onError);
      await lease?.release().catch(() => undefined);
    },
  };
}
