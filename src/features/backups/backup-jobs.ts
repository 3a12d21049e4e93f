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
import { startLeasedWork } from '../../engine/leased-work.js';
import type { PeriodicJob } from '../../engine/periodic-job.js';
import { copyBackup, purgeBackup } from './backup-copy.js';
import { readPendingBackups, readRestoreMarkers } from './backup-store.js';
import { runRestore } from './restore-writer.js';
import { deletedTablesExpired, expireDeletedTables } from '../pitr/deleted-tables.js';

export function startBackupJobs(services: Services): PeriodicJob {
  const { storage, logger } = services;
  return startLeasedWork({
    storage,
    name: 'backups',
    intervalMs: 250,
    leaseMs: 5000,
    onError: (error) => logger.warn({ err: error }, 'backup round failed'),
    find(tx, now) {
      const found = { backups: readPendingBackups(tx), restores: readRestoreMarkers(tx), expired: deletedTablesExpired(tx, now) };
      return found.backups.length === 0 && found.restores.length === 0 && !found.expired ? undefined : found;
    },
    async work({ backups, restores, expired }, stopped) {
      // Deleted tables past their recovery period lose their bases now; the next round purges them.
      if (expired) await storage.write((tx) => expireDeletedTables(tx, Date.now()));
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
    },
  });
}
