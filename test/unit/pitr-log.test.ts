/**
 * Point-in-time recovery as a change log reader, on every backend: which
 * tables' changes it wants, what of their logs it needs (its window), that
 * the write path logs a PITR table's changes with their old items, and that
 * trimming keeps what is inside the window and drops what is outside; a
 * table deleted with PITR on keeps its record, base and log for its period.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Item } from '../../src/model/attribute-value.js';
import type { Storage } from '../../src/storage/storage.js';
import type { Catalog } from '../../src/engine/catalog.js';
import { ItemStore } from '../../src/engine/items.js';
import type { TableRecord } from '../../src/engine/table.js';
import { appendChange, readChanges, readLogHead, trimChangeLogs } from '../../src/engine/change-log.js';
import { keyFromItem } from '../../src/model/primary-key.js';
import { keySchemaOf } from '../../src/engine/table.js';
import { CHANGE_LOG_READERS } from '../../src/features/item-change-hooks.js';
import { pitrLogReader } from '../../src/features/pitr/log-reader.js';
import { LATEST_RESTORABLE_LAG_MS, recoveryWindow } from '../../src/features/pitr/recovery-window.js';
import { ensureBase, findBase } from '../../src/features/pitr/pitr-base.js';
import { deletedTableById, deletedTablesExpired, deletedTableWindow, expireDeletedTables, latestDeletedTable } from '../../src/features/pitr/deleted-tables.js';
import { checkStore } from '../../src/check/store-check.js';
import { deleteRestoreMarker, putBackup, putRestoreMarker } from '../../src/features/backups/backup-store.js';
import { storageBackends } from '../helpers/harness.js';
import { freshCatalogs, createCatalogTable } from '../helpers/catalog-table.js';

const DAY = 24 * 3600_000;
/** A fixed clock for the window: PITR switched on at T0. */
const T0 = 1_700_000_000_000;
const item = (pk: string, n: number): Item => ({ pk: { S: pk }, n: { N: String(n) } });
const all = (storage: Storage, tableId: number) => storage.read((tx) => [...readChanges(tx, tableId, 0)]);

describe('PITR recovery window', () => {
  test('starts at the later of enabling and the period\'s start; ends five minutes ago, never before it starts', () => {
    const setting = { RecoveryPeriodInDays: 2, enabledAt: T0 };
    assert.deepEqual(recoveryWindow(setting, T0 + 1000), { earliestMs: T0, latestMs: T0 });
    assert.deepEqual(recoveryWindow(setting, T0 + DAY), { earliestMs: T0, latestMs: T0 + DAY - LATEST_RESTORABLE_LAG_MS });
    assert.deepEqual(recoveryWindow(setting, T0 + 3 * DAY), { earliestMs: T0 + DAY, latestMs: T0 + 3 * DAY - LATEST_RESTORABLE_LAG_MS });
  });
});

for (const backend of storageBackends) {
  describe(`PITR change log reader [${backend}]`, () => {
    const setup = freshCatalogs(backend);
    const pitrTable = (catalog: Catalog, name: string, RecoveryPeriodInDays = 1) =>
      createCatalogTable(catalog, name, { pointInTimeRecovery: { RecoveryPeriodInDays, enabledAt: T0 } });

    test('wants the tables with PITR enabled, and is one of the change log\'s readers', async () => {
      const { catalog } = await setup();
      assert.equal(pitrLogReader.wants(await pitrTable(catalog, 'wanted')), true);
      assert.equal(pitrLogReader.wants(await createCatalogTable(catalog, 'unwanted')), false);
      assert.ok(CHANGE_LOG_READERS.includes(pitrLogReader));
    });

    test('needs the changes inside the window, from the stored table record', async () => {
      const { storage, catalog } = await setup();
      const table = await pitrTable(catalog, 'needs', 2);
      const plain = await createCatalogTable(catalog, 'needs_nothing');
      for (const t of [table, plain]) await storage.write((tx) => appendChange(tx, t, { at: T0, new: item('a', 1) }));
      const needs = (t: TableRecord, nowMs: number) =>
        storage.read((tx) => pitrLogReader.needs(tx, t.id, readLogHead(tx, t.id)!, nowMs));
      assert.deepEqual(await needs(table, T0 + DAY), { sinceMs: T0 });
      assert.deepEqual(await needs(table, T0 + 5 * DAY), { sinceMs: T0 + 3 * DAY });
      assert.equal(await needs(plain, T0), undefined);
      // Switched off: nothing needed any more.
      const off = await catalog.update(table, ({ pointInTimeRecovery: _, ...rest }) => rest, false);
      assert.equal(await needs(off, T0 + DAY), undefined);
    });

    test('the write path logs a PITR table\'s changes, old items included, and no one else\'s', async () => {
      const { storage, catalog } = await setup();
      const items = new ItemStore(storage);
      const table = await pitrTable(catalog, 'logged');
      const plain = await createCatalogTable(catalog, 'not_logged');
      for (const t of [table, plain]) {
        const key = keyFromItem(item('k', 1), keySchemaOf(t.KeySchema, t.AttributeDefinitions));
        await items.write(t, key, () => item('k', 1));
        // A blind write (as PutItem without ReturnValues) still logs the item it replaced.
        await items.replace(t, key, item('k', 2));
        await items.replace(t, key, undefined);
      }
      const changes = await all(storage, table.id);
      assert.deepEqual(
        changes.map(({ old, new: next }) => ({ old, new: next })),
        [
          { old: undefined, new: item('k', 1) },
          { old: item('k', 1), new: item('k', 2) },
          { old: item('k', 2), new: undefined },
        ],
      );
      assert.deepEqual(await all(storage, plain.id), []);
    });

    test('trimming keeps the changes inside the window and drops those outside, and all once PITR is off', async () => {
      const { storage, catalog } = await setup();
      const table = await pitrTable(catalog, 'trimmed', 1);
      for (const offset of [1000, 2000, 3000]) await storage.write((tx) => appendChange(tx, table, { at: T0 + offset, new: item('a', offset) }));
      const sequences = async () => (await all(storage, table.id)).map((change) => change.at - T0);
      await trimChangeLogs(storage, CHANGE_LOG_READERS, T0 + DAY);
      assert.deepEqual(await sequences(), [1000, 2000, 3000], 'all inside a day');
      await trimChangeLogs(storage, CHANGE_LOG_READERS, T0 + DAY + 2000);
      assert.deepEqual(await sequences(), [2000, 3000], 'the window starts a day ago');
      await catalog.update(table, ({ pointInTimeRecovery: _, ...rest }) => rest, false);
      await trimChangeLogs(storage, CHANGE_LOG_READERS, T0 + DAY + 2000);
      assert.deepEqual(await sequences(), []);
    });

    test('a base keeps the log from its sequence number on, and a point-in-time restore keeps all of it', async () => {
      const { storage, catalog } = await setup();
      const table = await pitrTable(catalog, 'based', 1);
      for (const offset of [1000, 2000, 3000]) await storage.write((tx) => appendChange(tx, table, { at: T0 + offset, new: item('a', offset) }));
      await storage.write((tx) => ensureBase(tx, table, T0));
      // Copied before the second change (as the backups' job records it).
      await storage.write((tx) => putBackup(tx, { ...findBase(tx, table)!, status: 'AVAILABLE', logSequence: 2 }));
      const sequences = async () => (await all(storage, table.id)).map((change) => change.at - T0);
      const later = T0 + 3 * DAY;
      assert.deepEqual(await storage.read((tx) => pitrLogReader.needs(tx, table.id, readLogHead(tx, table.id)!, later)), { sinceMs: T0 + 2 * DAY, fromSequence: 2 });
      const marker = { account: table.account, region: table.region, TableName: 'target', tableId: 999_999, BackupArn: 'x', backupNumber: 0, pointInTime: { sourceTableId: table.id, restoreAt: T0 } };
      await storage.write((tx) => putRestoreMarker(tx, marker));
      await trimChangeLogs(storage, CHANGE_LOG_READERS, later);
      assert.deepEqual(await sequences(), [1000, 2000, 3000], 'a restore reads the source\'s log');
      await storage.write((tx) => deleteRestoreMarker(tx, marker.tableId));
      await trimChangeLogs(storage, CHANGE_LOG_READERS, later);
      assert.deepEqual(await sequences(), [2000, 3000], 'the base holds the first change');
    });

    test('a table deleted with PITR on keeps its record, base and log for its recovery period, then loses them', async () => {
      const { storage, catalog } = await setup();
      const table = await pitrTable(catalog, 'deleted', 1);
      const plain = await createCatalogTable(catalog, 'deleted_plain');
      for (const offset of [1000, 2000]) await storage.write((tx) => appendChange(tx, table, { at: T0 + offset, new: item('a', offset) }));
      await storage.write((tx) => ensureBase(tx, table, T0));
      await storage.write((tx) => putBackup(tx, { ...findBase(tx, table)!, status: 'AVAILABLE', logSequence: 2 }));
      const deletedAt = Date.now();
      await catalog.delete(table);
      await catalog.delete(plain);
      const inPeriod = deletedAt + DAY / 2;
      const over = Date.now() + DAY;
      assert.equal((await storage.read((tx) => deletedTableById(tx, table, table.id, inPeriod)))?.table.id, table.id);
      assert.equal(await storage.read((tx) => latestDeletedTable(tx, plain, inPeriod)), undefined, 'PITR was off');
      assert.deepEqual(await storage.read((tx) => pitrLogReader.needs(tx, table.id, readLogHead(tx, table.id)!, inPeriod)), { sinceMs: inPeriod - DAY, fromSequence: 2 });
      await trimChangeLogs(storage, CHANGE_LOG_READERS, inPeriod);
      assert.deepEqual((await all(storage, table.id)).map((change) => change.at - T0), [2000], 'kept from the base on');
      const window = await storage.read((tx) => deletedTableWindow(latestDeletedTable(tx, table, inPeriod)!, inPeriod, 0));
      assert.ok(window.latestMs < inPeriod && window.latestMs >= deletedAt, 'the window ends at the deletion');
      assert.equal((await storage.read((tx) => checkStore(tx))).damage.length, 0);

      assert.equal(await storage.read((tx) => deletedTablesExpired(tx, inPeriod)), false);
      assert.equal(await storage.read((tx) => deletedTablesExpired(tx, over)), true);
      assert.equal(await storage.read((tx) => latestDeletedTable(tx, table, over)), undefined, 'past its period');
      await storage.write((tx) => expireDeletedTables(tx, over));
      assert.equal(await storage.read((tx) => deletedTablesExpired(tx, over)), false);
      assert.equal(await storage.read((tx) => findBase(tx, table)), undefined, 'the base is dropped for the job to purge');
      assert.equal(await storage.read((tx) => pitrLogReader.needs(tx, table.id, readLogHead(tx, table.id)!, over)), undefined);
      await trimChangeLogs(storage, CHANGE_LOG_READERS, over);
      assert.equal(await storage.read((tx) => readLogHead(tx, table.id)), undefined, 'the log is gone, head and all');
      assert.deepEqual(await all(storage, table.id), []);
      assert.deepEqual((await storage.read((tx) => checkStore(tx))).damage, []);
    });
  });
}
