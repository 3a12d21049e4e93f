/**
 * Writes a restore's items into its table through the item store's write
 * path (so indexes, counters, streams and the TTL index are kept as for any
 * write), a page of the backup at a time, then turns the table ACTIVE with
 * RestoreInProgress false. The table's marker goes once the table is ACTIVE:
 * a restore resumed before that writes the items again (each write puts the
 * backup's item, so doing it twice changes nothing); one resumed after it
 * only drops the marker, never overwriting what clients wrote since.
 *
 * A point-in-time restore's items are its PITR base's, brought to the
 * restore's time with the source table's logged changes; it waits while the
 * base is still being copied.
 */
import { StaleCatalog } from '../../engine/catalog.js';
import { StepFailures } from '../../engine/items.js';
import type { Services } from '../../engine/services.js';
import { keySchemaOf, type TableRecord } from '../../engine/table.js';
import { keyFromItem } from '../../model/primary-key.js';
import { deleteRestoreMarker, type RestoreMarker } from './backup-store.js';
import { dropOverlay, itemPages, prepareAt } from '../pitr/items-at-time.js';
import type { Item } from '../../model/attribute-value.js';

const PAGE = 200;
/** Progress is logged at most this often, and at the end. */
const PROGRESS_EVERY_MS = 5000;

async function currentTable(services: Services, marker: RestoreMarker): Promise<TableRecord | undefined> {
  await services.catalog.refreshIfStale();
  const table = services.catalog.get(marker, marker.TableName);
  return table?.id === marker.tableId ? table : undefined;
}

/** Writes one page; a table definition changed meanwhile by another process is read again and the page retried. */
async function writePage(services: Services, marker: RestoreMarker, items: readonly Item[]): Promise<boolean> {
  if (items.length === 0) return true;
  for (;;) {
    const table = await currentTable(services, marker);
    if (table === undefined || table.TableStatus !== 'CREATING') return false;
    const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
    const steps = items.map((item) => ({ table, key: keyFromItem(item, schema), apply: () => item, blind: true }));
    try {
      await services.items.writeMany(steps);
      return true;
    } catch (error) {
      if (error instanceof StaleCatalog) continue;
      if (error instanceof StepFailures) throw error.failures.find((failure) => failure !== undefined)!;
      throw error;
    }
  }
}

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
    for await (const items of itemPages(storage, source, PAGE)) {
      if (stopped()) return;
      if (!(await writePage(services, marker, items))) break;
      written += items.length;
      if (Date.now() - logged >= PROGRESS_EVERY_MS) {
        logged = Date.now();
        logger.info({ table: marker.TableName, items: written }, 'restore in progress');
      }
    }
    if (source.overlay !== undefined) await dropOverlay(storage, owner);
    logger.info({ table: marker.TableName, items: written }, 'restore written');
    const now = await currentTable(services, marker);
    if (now !== undefined && now.TableStatus === 'CREATING') {
      await catalog.update(
        now,
        (current) => ({ ...current, TableStatus: 'ACTIVE', ...(current.RestoreSummary ? { RestoreSummary: { ...current.RestoreSummary, RestoreInProgress: false } } : {}) }),
        false,
      );
    }
  }
  await storage.write((tx) => deleteRestoreMarker(tx, marker.tableId));
}
