/**
 * The background work of exports, in the one process of all that holds the
 * "exports" lease: writing each IN_PROGRESS export (export-writer.ts). What
 * is left is read from storage each round, so after a crash whichever
 * process takes the lease writes the cut-short exports again.
 */
import type { Services } from '../../engine/services.js';
import { startRecordWork } from '../../engine/leased-work.js';
import type { PeriodicJob } from '../../engine/periodic-job.js';
import { readPendingExports } from './export-store.js';
import { runExport } from './export-writer.js';

export function startExportJobs(services: Services): PeriodicJob {
  return startRecordWork({
    storage: services.storage,
    name: 'exports',
    pending: readPendingExports,
    run: (record, stopped) => runExport(services, record, stopped),
    onError: (error) => services.logger.warn({ err: error }, 'export round failed'),
  });
}
