/**
 * A background job that has work only now and then (copying a backup,
 * writing an export, reading an import): every process looks for work each
 * round in one read, and only one that finds some asks for the job's lease,
 * so idle processes write nothing. The lease is renewed while a round works,
 * because one piece of work (a table of millions of items) can outlast it;
 * a process that dies mid-work stops renewing and another takes over, from
 * what storage says is left.
 */
import { Lease } from './leases.js';
import { startPeriodicJob, type PeriodicJob, type WakeableJob } from './periodic-job.js';
import type { ReadTransaction, Storage } from '../storage/storage.js';

export interface LeasedWorkOptions<W> {
  readonly storage: Storage;
  /** The lease's name: one process of all runs this job at a time. */
  readonly name: string;
  /** How often processes look for work (default 250 ms: a request's work starts at once, as DynamoDB's does). */
  readonly intervalMs?: number;
  /** The lease's length (default 5 s: how soon another process takes over from a dead one). */
  readonly leaseMs?: number;
  /** What there is to do now, read in one snapshot; undefined when nothing. */
  readonly find: (tx: ReadTransaction, nowMs: number) => W | undefined;
  readonly work: (found: W, stopped: () => boolean) => Promise<void>;
  readonly onError: (error: unknown) => void;
}

export function startLeasedWork<W>(options: LeasedWorkOptions<W>): WakeableJob {
  const { storage, leaseMs = 5000 } = options;
  const lease = new Lease(storage, options.name, leaseMs);
  return startPeriodicJob({
    intervalMs: options.intervalMs ?? 250,
    now: true,
    onError: options.onError,
    onStop: () => lease.release(),
    async round(stopped) {
      const found = await storage.read((tx) => options.find(tx, Date.now()));
      if (found === undefined || !(await lease.hold())) return;
      const renewal = setInterval(() => void lease.hold().catch(() => undefined), leaseMs / 3);
      try {
        await options.work(found, stopped);
      } finally {
        clearInterval(renewal);
      }
    },
  });
}

/**
 * The common case: records that each stand for a piece of work still to do
 * (an export IN_PROGRESS, an import), done one after the other.
 */
export function startRecordWork<R>(options: {
  readonly storage: Storage;
  readonly name: string;
  readonly pending: (tx: ReadTransaction) => R[];
  readonly run: (record: R, stopped: () => boolean) => Promise<void>;
  readonly onError: (error: unknown) => void;
}): PeriodicJob {
  return startLeasedWork({
    storage: options.storage,
    name: options.name,
    onError: options.onError,
    find(tx) {
      const pending = options.pending(tx);
      return pending.length === 0 ? undefined : pending;
    },
    async work(pending, stopped) {
      for (const record of pending) {
        if (stopped()) return;
        await options.run(record, stopped);
      }
    },
  });
}
