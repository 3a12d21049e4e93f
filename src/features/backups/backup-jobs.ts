/**
 * The background work of backups, in the one process of all that holds the
 * "backups" lease: copying each CREATING backup, purging each DELETED one,
 * writing each restore's items, and forgetting the deleted PITR tables
 * whose recovery period is over (features/pitr/deleted-tables.ts).
 * Everything it does is driven by what storage says is left, so a process
 * that takes the lease over after a crash finishes the work (a cut-short copy
 * starts again from a fresh snapshot; a restore writes its items again, which
 * is idempotent).
 */
import type { Services } from '../../engine/services.js';
import { Lease } from '../../engine/leases.js';
import { startPeriodicJob, type PeriodicJob } from '../../engine/periodic-job.js';
import { copyBackup, purgeBackup } from './backup-copy.js';
import { readPendingBackups, readRestoreMarkers } from './backup-store.js';
import { runRestore } from './restore-writer.js';
import { deletedTablesExpired, expireDeletedTables } from '../pitr/deleted-tables.js';

const INTERVAL_MS = 250;
const LEASE_MS = 5000;

/**
 * Every process looks for work each round (two small range reads, empty when
 * idle) and asks for the lease only when there is some, so idle processes
 * write nothing.
 */
export function startBackupJobs(services: Services): PeriodicJob {
  const { storage, logger } = services;
  const lease = new Lease(storage, 'backups', LEASE_MS);
  return startPeriodicJob({
    intervalMs: INTERVAL_MS,
    now: true,
    onError: (error) => logger.warn({ err: error }, 'backup round failed'),
    onStop: () => lease.release(),
    async round(stopped) {
      const now = Date.now();
      const { backups, restores, expired } = await storage.read((tx) => ({ backups: readPendingBackups(tx), restores: readRestoreMarkers(tx), expired: deletedTablesExpired(tx, now) }));
      if ((backups.length === 0 && restores.length === 0 && !expired) || !(await lease.hold())) return;
      // Deleted tables past their recovery period lose their bases now; the next round purges them.
      if (expired) await storage.write((tx) => expireDeletedTables(tx, now));
      // A copy of a large table outlasts the lease: it is renewed while the round works.
      const renewal = setInterval(() => void lease.hold().catch(() => undefined), LEASE_MS / 3);
      try {
        for (const backup of backups) {
          if (stopped()) return;
          if (backup.status === 'CREATING') {
            if (await copyBackup(storage, backup, stopped)) logger.info({ backup: backup.BackupArn }, 'backup copied');
          } else if (backup.status === 'DELETED' && !restores.some((marker) => marker.backupNumber === backup.number)) {
            // A dropped PITR base is kept until the restores reading it are done.
            await purgeBackup(storage, backup, stopped);
          }
        }
        for (const marker of restores) {
          if (stopped()) return;
          await runRestore(services, marker, stopped);
        }
      } finally {
        clearInterval(renewal);
      }
    },
  });
}
