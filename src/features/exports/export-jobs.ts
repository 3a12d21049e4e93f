/**
 * The background work of exports, in the one process of all that holds the
 * "exports" lease: writing each IN_PROGRESS export (export-writer.ts). What
 * is left is read from storage each round, so after a crash whichever
 * process takes the lease writes the cut-short exports again.
 */
import type { Services } from '../../engine/services.js';
import { startLeasedWork } from '../../engine/leased-work.js';
import type { PeriodicJob } from '../../engine/periodic-job.js';
import { readPendingExports } from './export-store.js';
import { runExport } from './export-writer.js';

export function startExportJobs(services: Services): PeriodicJob {
  const { storage, logger } = services;
  return startLeasedWork({
    storage,
    name: 'exports',
    intervalMs: 250,
    leaseMs: 5000,
    onError: (error) => logger.warn({ err: error }, 'export round failed'),
    find(tx) {
      const pending = readPendingExports(tx);
      return pending.length === 0 ? undefined : pending;
    },
    async work(pending, stopped) {
      for (const record of pending) {
        if (stopped()) return;
        await runExport(services, record, stopped);
      }
    },
  });
}
