/**
 * The background work of imports from S3, in the one process of all that
 * holds the "imports" lease: reading each IN_PROGRESS import's objects into
 * its table (import-writer.ts), one import after another. It is driven by the
 * imports' markers in storage, so a process that takes the lease over after a
 * crash goes on with the imports left.
 */
import type { Services } from '../../engine/services.js';
import { startRecordWork } from '../../engine/leased-work.js';
import type { PeriodicJob } from '../../engine/periodic-job.js';
import { readPendingImports } from './import-store.js';
import { runImport } from './import-writer.js';

export function startImportJobs(services: Services): PeriodicJob {
  return startRecordWork({
    storage: services.storage,
    name: 'imports',
    pending: readPendingImports,
    run: (record, stopped) => runImport(services, record, stopped),
    onError: (error) => services.logger.warn({ err: error }, 'import round failed'),
  });
}
