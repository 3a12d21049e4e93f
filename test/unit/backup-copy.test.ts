/**
 * Backup copies and PITR bases below the server, on every backend: the
 * replay of logged changes onto a copy read piecemeal gives exactly the
 * table (items, count, size); the copy job names the backup in the table
 * record while it copies and the change log keeps its changes; a base folds
 * forward to its recovery window's start, the log before that is trimmed,
 * and a restore's items at a time after the start are exact; a base a
 * restore reads is not folded.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Item } from '../../src/model/attribute-value.js';
import type { Storage } from '../../src/storage/storage.js';
import type { Catalog } from '../../src/engine/catalog.js';
import { ItemStore } from '../../src/engine/items.js';
import { itemPrefix } from '../../src/engine/keyspace.js';
import { itemKey } from '../../src/engine/item-key.js';
import { decodeStored, storedSize } from '../../src/engine/stored-item.js';
import { keySchemaOf, type TableRecord } from '../../src/engine/table.js';
import { appendChange, readChanges, readLogHead, trimChangeLogs } from '../../src/engine/change-log.js';
import { keyFromItem } from '../../src/model/primary-key.js';
import { CHANGE_LOG_READERS } from '../../src/features/item-change-hooks.js';
import { backupItemKey, backupItemPrefix, putRestoreMarker, readBackup, type BackupRecord } from '../../src/features/backups/backup-store.js';
import { replayChanges } from '../../src/features/backups/backup-replay.js';
import { backupCopyLogReader } from '../../src/features/backups/copy-log-reader.js';
import { copyBackup } from '../../src/features/backups/backup-copy.js';
import { ensureBase, findBase } from '../../src/features/pitr/pitr-base.js';
import { basesToFold, foldBase } from '../../src/features/pitr/base-fold.js';
import { prefixRange } from '../../src/engine/prefix-range.js';
import { itemPages, prepareAt } from '../../src/features/pitr/items-at-time.js';
import { storageBackends } from '../helpers/harness.js';
import { createCatalogTable, freshCatalogs } from '../helpers/catalog-table.js';

const DAY = 24 * 3600_000;
const item = (pk: string, n: number): Item => ({ pk: { S: pk }, n: { N: String(n) } });
const never = () => false;
const show = (found: Item) => `${(found.pk as { S: string }).S}=${(found.n as { N: string }).N}`;

/** The items under a key prefix, as "pk=n" sorted, with their count and size as stored. */
async function contents(storage: Storage, prefix: Uint8Array): Promise<{ items: string[]; count: number; bytes: number }> {
  const entries = await storage.read((tx) => [...tx.range(prefixRange(prefix))]);
  return {
    items: entries.map(({ value }) => decodeStored(value)).map(show).sort(),
    count: entries.length,
    bytes: entries.reduce((sum, { value }) => sum + storedSize(value), 0),
  };
}

function keyOf(table: TableRecord, value: Item): Uint8Array {
  return itemKey(table.id, keyFromItem(value, keySchemaOf(table.KeySchema, table.AttributeDefinitions)));
}

for (const backend of storageBackends) {
  describe(`backup copies and PITR bases [${backend}]`, () => {
    const setup = freshCatalogs(backend);

    test('replaying the changes logged from L on onto a copy read piecemeal gives exactly the table', async () => {
      const { storage, catalog } = await setup();
      // Named as being copied: its writes are logged.
      const table = await createCatalogTable(catalog, 'replayed', { backupCopies: ['arn:test/backup/1'] });
      assert.equal(backupCopyLogReader.wants(table), true);
      const items = new ItemStore(storage);
      const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
      const put = (value: Item | undefined, pk: string) => items.replace(table, keyFromItem(item(pk, 0), schema), value);
      for (const pk of ['a', 'b', 'c', 'd', 'e']) await put(item(pk, 1), pk);
      const from = await storage.read((tx) => readLogHead(tx, table.id)!.next);
      const NUMBER = 77;
      const copy = async (...pks: string[]) =>
        storage.write((tx) => {
          for (const pk of pks) {
            const stored = tx.get(keyOf(table, item(pk, 0)));
            if (stored !== undefined) tx.put(backupItemKey(keyOf(table, item(pk, 0)), NUMBER), stored);
          }
        });
      // The copy reads a and b, the table moves on, the copy reads c, d and e (c already changed), the table moves on.
      await copy('a', 'b');
      await put(item('a', 2), 'a');
      await put(undefined, 'b');
      await put(item('f', 1), 'f');
      await put(item('c', 2), 'c');
      await copy('c', 'd', 'e');
      await put(undefined, 'c');
      await put(item('d', 3), 'd');
      await put(item('a', 3), 'a');
      const before = await contents(storage, backupItemPrefix(NUMBER));
      assert.notDeepEqual(before.items, (await contents(storage, itemPrefix(table.id))).items, 'the piecemeal copy is of no one moment');

      // Bounded batches, then the rest.
      const first = await storage.write((tx) => replayChanges(tx, table, NUMBER, from, { limit: 3 }));
      assert.equal(first.done, false);
      assert.equal(first.next, from + 3);
      const rest = await storage.write((tx) => replayChanges(tx, table, NUMBER, first.next, { limit: 100 }));
      assert.equal(rest.done, true);
      const head = await storage.read((tx) => readLogHead(tx, table.id)!.next);
      assert.equal(rest.next, head);
      const live = await contents(storage, itemPrefix(table.id));
      const after = await contents(storage, backupItemPrefix(NUMBER));
      assert.deepEqual(after.items, ['a=3', 'd=3', 'e=1', 'f=1']);
      assert.deepEqual(after.items, live.items);
      assert.equal(before.count + first.items + rest.items, after.count, 'the count follows the replay');
      assert.equal(before.bytes + first.bytes + rest.bytes, after.bytes, 'so does the size');
      assert.equal(after.bytes, live.bytes);

      // Replaying again changes nothing; a stop before a change leaves it and what follows.
      const again = await storage.write((tx) => replayChanges(tx, table, NUMBER, from));
      assert.deepEqual((await contents(storage, backupItemPrefix(NUMBER))).items, live.items);
      assert.equal(again.next, head);
      const stopped = await storage.write((tx) => replayChanges(tx, table, NUMBER, from, { stopBefore: (change) => change.sequence === from + 1 }));
      assert.deepEqual(stopped, { next: from + 1, done: true, items: 0, bytes: 0 });
    });

    test('a copy made while writes go on is the table at its logSequence, and the table record names it only while it copies', async () => {
      const { storage, catalog } = await setup();
      const table = await createCatalogTable(catalog, 'copied', { pointInTimeRecovery: { RecoveryPeriodInDays: 1, enabledAt: Date.now() } });
      const items = new ItemStore(storage);
      const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
      for (let i = 0; i < 2500; i++) await items.replace(table, keyFromItem(item(`k${i}`, 0), schema), item(`k${i}`, i));
      await storage.write((tx) => ensureBase(tx, table, Date.now()));
      const base = await storage.read((tx) => findBase(tx, table)!);
      // Writes go on while the copy runs: each lands in the copy through the replay.
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          const pk = `k${written % 2500}`;
          await items.replace(table, keyFromItem(item(pk, 0), schema), item(pk, -1 - written));
          written++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      assert.equal(await copyBackup({ storage, catalog }, base, never), true);
      writing = false;
      await writer;
      const copied = await storage.read((tx) => readBackup(tx, table.account, table.region, base.BackupArn)!);
      assert.equal(copied.status, 'AVAILABLE');
      assert.equal(copied.itemCount, 2500);
      assert.ok(written > 0);
      assert.equal(catalog.get(table, table.TableName)?.backupCopies, undefined, 'the name goes when the copy ends');
      // The copy is the table at its logSequence: the table now, less the changes from then on, undone.
      const later = await storage.read((tx) => [...readChanges(tx, table.id, copied.logSequence!)]);
      const expected = new Map((await contents(storage, itemPrefix(table.id))).items.map((entry) => [entry.split('=')[0]!, entry]));
      for (const change of later.reverse()) expected.set(show(change.old!).split('=')[0]!, show(change.old!));
      const backupItems = await contents(storage, backupItemPrefix(copied.number));
      assert.deepEqual(backupItems.items, [...expected.values()].sort());
      assert.equal(backupItems.bytes, copied.sizeBytes);
    });

    test('a PITR base folds forward to its window\'s start; the log before it is trimmed; items at a later time are exact', async () => {
      const { storage, catalog } = await setup();
      const T0 = Date.now();
      const table = await pitrTableWithBase(storage, catalog, 'folded', T0);
      const base = await storage.read((tx) => findBase(tx, table)!);
      const L = base.logSequence!;
      // Changes days later (logged with their times, as the write path would have).
      const change = (at: number, old: Item | undefined, next: Item | undefined) =>
        storage.write((tx) => appendChange(tx, table, { at: T0 + at, ...(old ? { old } : {}), ...(next ? { new: next } : {}) }));
      await change(1 * DAY, item('a', 1), item('a', 2));
      await change(2 * DAY, item('b', 1), undefined);
      await change(3 * DAY, undefined, item('d', 1));
      const kept = await change(3.5 * DAY, item('a', 2), item('a', 3));
      await change(3.6 * DAY, item('c', 1), item('c', 2));

      const now = T0 + 4.2 * DAY; // the window (one day) starts at 3.2 days
      assert.deepEqual((await storage.read((tx) => basesToFold(tx, now))).map((due) => due.BackupArn), [base.BackupArn]);
      assert.deepEqual(await storage.read((tx) => basesToFold(tx, T0 + 1.5 * DAY)), [], 'nothing before the start at 0.5 days');
      await foldBase(storage, base, now, never);
      const folded = await storage.read((tx) => findBase(tx, table)!);
      assert.equal(folded.logSequence, kept, 'up to the first change after the window\'s start');
      assert.ok(folded.logSequence! > L);
      const baseItems = await contents(storage, backupItemPrefix(base.number));
      assert.deepEqual(baseItems.items, ['a=2', 'c=1', 'd=1']);
      assert.equal(folded.itemCount, 3);
      assert.equal(folded.sizeBytes, baseItems.bytes);
      assert.deepEqual(await storage.read((tx) => basesToFold(tx, now)), [], 'folded');

      await trimChangeLogs(storage, CHANGE_LOG_READERS, now);
      const left = await storage.read((tx) => [...readChanges(tx, table.id, 0)]);
      assert.deepEqual(left.map((entry) => entry.sequence), [kept, kept + 1], 'the older changes are trimmed');

      const at = async (ms: number) => {
        const source = await prepareAt(storage, { account: table.account, region: table.region, baseArn: base.BackupArn, sourceTableId: table.id, at: T0 + ms, owner: { kind: 'export', id: 1 } }, () => false);
        assert.ok(typeof source === 'object');
        const pages: string[] = [];
        for await (const page of itemPages(storage, source, 2)) {
          pages.push(...page.map(show));
        }
        return pages.sort();
      };
      assert.deepEqual(await at(3.3 * DAY), ['a=2', 'c=1', 'd=1']);
      assert.deepEqual(await at(3.55 * DAY), ['a=3', 'c=1', 'd=1']);
      assert.deepEqual(await at(4 * DAY), ['a=3', 'c=2', 'd=1']);
    });

    test('a base a restore reads is not folded', async () => {
      const { storage, catalog } = await setup();
      const T0 = Date.now();
      const table = await pitrTableWithBase(storage, catalog, 'read', T0);
      const base = await storage.read((tx) => findBase(tx, table)!);
      await storage.write((tx) => appendChange(tx, table, { at: T0 + DAY, old: item('a', 1), new: item('a', 2) }));
      const now = T0 + 3 * DAY;
      await storage.write((tx) =>
        putRestoreMarker(tx, { account: table.account, region: table.region, TableName: 'target', tableId: 999_999, BackupArn: base.BackupArn, backupNumber: base.number, pointInTime: { sourceTableId: table.id, restoreAt: now - DAY } }),
      );
      assert.deepEqual(await storage.read((tx) => basesToFold(tx, now)), []);
      await foldBase(storage, base, now, never);
      assert.equal((await storage.read((tx) => findBase(tx, table)!)).logSequence, base.logSequence);
      assert.deepEqual((await contents(storage, backupItemPrefix(base.number))).items, ['a=1', 'b=1', 'c=1']);
    });
  });
}

/** A table with PITR on (one day) since T0, items a, b and c, and its base copied. */
async function pitrTableWithBase(storage: Storage, catalog: Catalog, name: string, T0: number): Promise<TableRecord> {
  const table = await createCatalogTable(catalog, name, { pointInTimeRecovery: { RecoveryPeriodInDays: 1, enabledAt: T0 - 1000 } });
  const items = new ItemStore(storage);
  const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
  for (const pk of ['a', 'b', 'c']) await items.replace(table, keyFromItem(item(pk, 1), schema), item(pk, 1));
  await storage.write((tx) => ensureBase(tx, table, T0));
  const base: BackupRecord = await storage.read((tx) => findBase(tx, table)!);
  assert.equal(await copyBackup({ storage, catalog }, base, () => false), true);
  return catalog.get(table, name)!;
}
