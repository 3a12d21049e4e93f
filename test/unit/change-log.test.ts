/**
 * The change log on every backend: numbering from storage, concurrent
 * writers, trimming to the union of what its readers need, and dropping the
 * log of a deleted table once nobody needs it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Item } from '../../src/model/attribute-value.js';
import type { Storage } from '../../src/storage/storage.js';
import { appendChange, readChanges, readLogHead, reserveSequence, trimChangeLogs, type ChangeLogReader } from '../../src/engine/change-log.js';
import { storageBackends } from '../helpers/harness.js';
import { freshCatalogs, createCatalogTable, TEST_NAMESPACE as NS } from '../helpers/catalog-table.js';


const item = (pk: string, n: number): Item => ({ pk: { S: pk }, n: { N: String(n) } });
const all = (storage: Storage, tableId: number) => storage.read((tx) => [...readChanges(tx, tableId, 0)]);

/** A reader that needs what the test says, of every table. */
function reader(need: { fromSequence?: number; sinceMs?: number } | undefined): ChangeLogReader {
  return { wants: () => true, needs: () => need };
}

for (const backend of storageBackends) {
  describe(`change log [${backend}]`, () => {
    const setup = freshCatalogs(backend);

    test('changes take increasing numbers from the log head; a reservation takes one no change has', async () => {
      const { storage, catalog } = await setup();
      const table = await createCatalogTable(catalog, 'numbered');
      const numbers = [
        await storage.write((tx) => appendChange(tx, table, { at: 1000, new: item('a', 1) })),
        await storage.write((tx) => appendChange(tx, table, { at: 2000, old: item('a', 1), new: item('a', 2) })),
        await storage.write((tx) => reserveSequence(tx, table)),
        await storage.write((tx) => appendChange(tx, table, { at: 3000, old: item('a', 2), ttl: true })),
      ];
      assert.deepEqual(numbers, [1, 2, 3, 4]);
      assert.deepEqual(await all(storage, table.id), [
        { sequence: 1, at: 1000, new: item('a', 1) },
        { sequence: 2, at: 2000, old: item('a', 1), new: item('a', 2) },
        { sequence: 4, at: 3000, old: item('a', 2), ttl: true },
      ]);
      assert.deepEqual(await storage.read((tx) => [...readChanges(tx, table.id, 2, 4)].map((change) => change.sequence)), [2]);
      const head = await storage.read((tx) => readLogHead(tx, table.id));
      assert.deepEqual(head, { next: 5, trimmedBelow: 1, account: NS.account, region: NS.region, TableName: 'numbered' });
    });

    test('concurrent writers: every change once, and each item\'s changes in the order they committed', async () => {
      const { storage, catalog } = await setup();
      const table = await createCatalogTable(catalog, 'concurrent');
      const counterKey = (pk: string) => new TextEncoder().encode(`counter/${pk}`);
      // Each write reads its item's counter and logs the increment, as an item write reads the item it changes.
      const bump = (pk: string) =>
        storage.write((tx) => {
          const stored = tx.get(counterKey(pk));
          const n = stored === undefined ? 0 : Number(new TextDecoder().decode(stored));
          tx.put(counterKey(pk), new TextEncoder().encode(String(n + 1)));
          appendChange(tx, table, { at: Date.now(), ...(n > 0 ? { old: item(pk, n) } : {}), new: item(pk, n + 1) });
        });
      await Promise.all(Array.from({ length: 60 }, (_, i) => bump(`k${i % 4}`)));
      const changes = await all(storage, table.id);
      assert.deepEqual(changes.map((change) => change.sequence), Array.from({ length: 60 }, (_, i) => i + 1));
      for (let k = 0; k < 4; k++) {
        const values = changes.filter((change) => (change.new!.pk as { S: string }).S === `k${k}`).map((change) => Number((change.new!.n as { N: string }).N));
        assert.deepEqual(values, Array.from({ length: 15 }, (_, i) => i + 1), `k${k}`);
      }
    });

    test('trimming keeps every change some reader needs, by number or by age, and nothing else', async () => {
      const { storage, catalog } = await setup();
      const table = await createCatalogTable(catalog, 'trimmed');
      for (let i = 1; i <= 6; i++) await storage.write((tx) => appendChange(tx, table, { at: i * 1000, new: item('a', i) }));
      await trimChangeLogs(storage, [reader({ fromSequence: 5 }), reader({ sinceMs: 3000 }), reader(undefined)]);
      assert.deepEqual((await all(storage, table.id)).map((change) => change.sequence), [3, 4, 5, 6]);
      await trimChangeLogs(storage, [reader({ fromSequence: 5 })]);
      assert.deepEqual((await all(storage, table.id)).map((change) => change.sequence), [5, 6]);
      assert.equal((await storage.read((tx) => readLogHead(tx, table.id)))!.trimmedBelow, 5);
    });

    test('a pass with nothing due writes nothing', async () => {
      const { storage, catalog } = await setup();
      const table = await createCatalogTable(catalog, 'quiet');
      await storage.write((tx) => appendChange(tx, table, { at: 5000, new: item('a', 1) }));
      let writes = 0;
      const counting: Storage = Object.assign(Object.create(storage) as Storage, {
        write: <T>(fn: Parameters<Storage['write']>[0]) => {
          writes += 1;
          return storage.write(fn) as Promise<T>;
        },
      });
      await trimChangeLogs(counting, [reader({ sinceMs: 4000 })]);
      assert.equal(writes, 0);
    });

    test('with no reader left a live table keeps its head (numbers never go back); a deleted table\'s log goes', async () => {
      const { storage, catalog } = await setup();
      const table = await createCatalogTable(catalog, 'dropped');
      for (let i = 1; i <= 3; i++) await storage.write((tx) => appendChange(tx, table, { at: i, new: item('a', i) }));
      await trimChangeLogs(storage, []);
      assert.deepEqual(await all(storage, table.id), []);
      assert.deepEqual(await storage.read((tx) => readLogHead(tx, table.id)), { next: 4, trimmedBelow: 4, account: NS.account, region: NS.region, TableName: 'dropped' });
      assert.equal(await storage.write((tx) => appendChange(tx, table, { at: 9, new: item('b', 1) })), 4);
      await catalog.delete(table);
      await trimChangeLogs(storage, [reader({ fromSequence: 0 })]);
      assert.equal((await all(storage, table.id)).length, 1, 'a reader still needs it');
      await trimChangeLogs(storage, []);
      assert.deepEqual(await all(storage, table.id), []);
      assert.equal(await storage.read((tx) => readLogHead(tx, table.id)), undefined);
    });
  });
}
