/**
 * Writes a restore's items into its table (engine/creating-table.ts), a page
 * of the backup at a time, then turns the table ACTIVE with RestoreInProgress
 * false. The table's marker goes once the table is ACTIVE:
 * a restore resumed before that writes the items again (each write puts the
 * backup's item, so doing it twice changes nothing); one resumed after it
 * only drops the marker, never overwriting what clients wrote since.
 *
 * A point-in-time restore's items are its PITR base's, brought to the
 * restore's time with the source table's logged changes; it waits while the
 * base is still being copied.
 */
import type { Services } from '../../engine/services.js';
import { Pace } from '../../engine/background-work.js';
import { activate, currentTable, writePage } from '../../engine/creating-table.js';
import { deleteRestoreMarker, type RestoreMarker } from './backup-store.js';
import { dropOverlay, itemPages, prepareAt } from '../pitr/items-at-time.js';

const PAGE = 200;
/** Progress is logged at most this often, and at the end. */
const PROGRESS_EVERY_MS = 5000;

export async function runRestore(services: Services, marker: RestoreMarker, stopped: () => boolean): Promise<void> {
  const { storage, catalog, logger } = services;
  const table = await currentTable(services, marker);
  if (table !== undefined && table.TableStatus === 'CREATING') {
    const { pointInTime } = marker;
    const owner = { kind: 'restore', id: marker.tableId } as const;
    const source =
      pointInTime === undefined
        ? { backupNumber: marker.backupNumber }
        : await prepareAt(storage, { account: marker.account, region: marker.region, baseArn: marker.BackupArn, sourceTableId: pointInTime.sourceTableId, at: pointInTime.restoreAt, owner }, stopped);
    if (source === 'wait' || source === 'stopped') return;
    if (source === 'lost') {
      // Never half a table reported ACTIVE: the target goes, as a restore that failed.
      logger.error({ table: marker.TableName }, 'point-in-time restore failed: its source was deleted before its base was copied');
      await catalog.delete(table);
      await storage.write((tx) => deleteRestoreMarker(tx, marker.tableId));
      return;
    }
    let written = 0;
    let logged = Date.now();
    const pace = new Pace();
    for await (const items of itemPages(storage, source, PAGE)) {
      if (stopped()) return;
      if (!(await writePage(services, marker, items))) break;
      written += items.length;
      await pace.breathe();
      if (Date.now() - logged >= PROGRESS_EVERY_MS) {
        logged = Date.now();
        logger.info({ table: marker.TableName, items: written }, 'restore in progress');
      }
    }
    if (source.overlay !== undefined) await dropOverlay(storage, owner);
    logger.info({ table: marker.TableName, items: written }, 'restore written');
    await activate(services, marker, (current) => ({ ...current, ...(current.RestoreSummary ? { RestoreSummary: { ...current.RestoreSummary, RestoreInProgress: false } } : {}) }));
  }
  await storage.write((tx) => deleteRestoreMarker(tx, marker.tableId));
}
