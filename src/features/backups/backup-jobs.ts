/**
 * The background work of backups, in the one process of all that holds the
 * "backups" lease: copying each CREATING backup, purging each DELETED one,
 * writing each restore's items, and forgetting the deleted PITR tables
 * whose recovery period is over (features/pitr/deleted-tables.ts); and, in
 * the one holding the "pitr-fold" lease, folding the PITR bases forward as
 * their recovery windows move (features/pitr/base-fold.ts).
 * Everything it does is driven by what storage says is left, so a process
 * that takes the lease over after a crash finishes the work (a cut-short copy
 * starts again; a restore writes its items again, which
 * is idempotent).
 */
import type { Services } from '../../engine/services.js';
import { startLeasedWork } from '../../engine/leased-work.js';
import type { PeriodicJob } from '../../engine/periodic-job.js';
import { copyBackup, purgeBackup } from './backup-copy.js';
import { readPendingBackups, readRestoreMarkers } from './backup-store.js';
import { runRestore } from './restore-writer.js';
import { readPendingExports } from '../exports/export-store.js';
import { deletedTablesExpired, expireDeletedTables } from '../pitr/deleted-tables.js';
import { basesToFold, foldBase } from '../pitr/base-fold.js';

/**
 * How often the PITR bases are looked at for folding (features/pitr/base-fold.ts). The window's start moves with
 * the clock, so there is always a little to fold; a minute's worth at a time keeps the look (one read of every table
 * record) rare, and the log a minute longer than the window at most.
 */
const FOLD_INTERVAL_MS = 60_000;

/** Folding the PITR bases forward: a job of its own, looking much less often than the backups' job. */
function startFoldJob(services: Services): PeriodicJob {
  const { storage, logger } = services;
  return startLeasedWork({
    storage,
    name: 'pitr-fold',
    intervalMs: FOLD_INTERVAL_MS,
    onError: (error) => logger.warn({ err: error }, 'PITR base fold failed'),
    find(tx, now) {
      const bases = basesToFold(tx, now);
      return bases.length === 0 ? undefined : { bases, now };
    },
    async work({ bases, now }, stopped) {
      for (const base of bases) await foldBase(storage, base, now, stopped);
    },
  });
}

export function startBackupJobs(services: Services): PeriodicJob {
  const jobs = [startCopyJob(services), startFoldJob(services)];
  return { stop: async () => void (await Promise.all(jobs.map((job) => job.stop()))) };
}

function startCopyJob(services: Services): PeriodicJob {
  const { storage, logger } = services;
  return startLeasedWork({
    storage,
    name: 'backups',
    onError: (error) => logger.warn({ err: error }, 'backup round failed'),
    find(tx, now) {
      const found = { backups: readPendingBackups(tx), restores: readRestoreMarkers(tx), expired: deletedTablesExpired(tx, now) };
      if (found.backups.length === 0 && found.restores.length === 0 && !found.expired) return undefined;
      // The bases full exports still read, which a dropped base must outlive.
      return { ...found, exportedBases: new Set(readPendingExports(tx).flatMap((record) => (record.base ? [record.base.number] : []))) };
    },
    async work({ backups, restores, expired, exportedBases }, stopped) {
      // Deleted tables past their recovery period lose their bases now; the next round purges them.
      if (expired) await storage.write((tx) => expireDeletedTables(tx, Date.now()));
      for (const backup of backups) {
        if (stopped()) return;
        if (backup.status === 'CREATING') {
          if (await copyBackup(services, backup, stopped)) logger.info({ backup: backup.BackupArn }, 'backup copied');
        } else if (backup.status === 'DELETED' && !restores.some((marker) => marker.backupNumber === backup.number) && !exportedBases.has(backup.number)) {
          // A dropped PITR base is kept until the restores and exports reading it are done.
          await purgeBackup(services, backup, stopped);
        }
      }
      for (const marker of restores) {
        if (stopped()) return;
        await runRestore(services, marker, stopped);
      }
    },
  });
}
