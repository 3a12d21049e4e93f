/**
 * A table's items at a time, read as its PITR base merged with the overlay of
 * logged changes (features/pitr/items-at-time.ts), against a model that
 * replays the same history: for random histories of puts and deletes, a base
 * taken anywhere in it and a time anywhere around it (before the base: its
 * changes undone; after: later ones applied), on every backend, in small pages.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Item } from '../../src/model/attribute-value.js';
import { keyFromItem } from '../../src/model/primary-key.js';
import { itemSize } from '../../src/model/item-size.js';
import { writeChange, writeLogHead } from '../../src/engine/change-log.js';
import { itemKey } from '../../src/engine/item-key.js';
import { encodeStored } from '../../src/engine/stored-item.js';
import { keySchemaOf, tableArn, type TableRecord } from '../../src/engine/table.js';
import { prefixRange } from '../../src/engine/prefix-range.js';
import { allocateBackupNumber, backupItemPrefix, putBackup } from '../../src/features/backups/backup-store.js';
import { dropOverlay, itemPages, prepareAt } from '../../src/features/pitr/items-at-time.js';
import { overlayPrefix } from '../../src/features/pitr/point-in-time.js';
import type { Storage } from '../../src/storage/storage.js';
import { storageBackends } from '../helpers/harness.js';
import { createCatalogTable, freshCatalogs, TEST_NAMESPACE } from '../helpers/catalog-table.js';

interface Step {
  readonly pk: string;
  /** undefined: a delete. */
  readonly n: number | undefined;
}

const STEP = 10;

/** The items after the first `count` steps, by key. */
function stateAfter(steps: readonly Step[], count: number): Map<string, Item> {
  const state = new Map<string, Item>();
  for (const step of steps.slice(0, count)) {
    if (step.n === undefined) state.delete(step.pk);
    else state.set(step.pk, { pk: { S: step.pk }, n: { N: String(step.n) } });
  }
  return state;
}

/** Logs the history (step i at time i·STEP, sequence i+1) and stores a base of the state before step `baseAt`; returns the base's ARN. */
async function history(storage: Storage, table: TableRecord, steps: readonly Step[], baseAt: number, run: number): Promise<string> {
  const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
  const baseArn = `${tableArn(table)}/pitr-base/${run}`;
  await storage.write((tx) => {
    const state = new Map<string, Item>();
    steps.forEach((step, i) => {
      const old = state.get(step.pk);
      const next = step.n === undefined ? undefined : { pk: { S: step.pk }, n: { N: String(step.n) } };
      writeChange(tx, table.id, { sequence: i + 1, at: i * STEP, ...(old ? { old } : {}), ...(next ? { new: next } : {}) });
      if (next === undefined) state.delete(step.pk);
      else state.set(step.pk, next);
    });
    writeLogHead(tx, table.id, { next: steps.length + 1, trimmedBelow: 1, account: table.account, region: table.region, TableName: table.TableName });
    const number = allocateBackupNumber(tx);
    for (const item of stateAfter(steps, baseAt).values()) {
      const key = itemKey(table.id, keyFromItem(item, schema));
      key.set(backupItemPrefix(number));
      tx.put(key, encodeStored(JSON.stringify(item), itemSize(item)));
    }
    putBackup(tx, {
      number,
      ...TEST_NAMESPACE,
      BackupArn: baseArn,
      BackupName: 'pitr-base',
      createdAt: 0,
      status: 'AVAILABLE',
      source: table,
      itemCount: 0,
      sizeBytes: 0,
      pitrBase: true,
      logSequence: baseAt + 1,
    });
  });
  return baseArn;
}

/** Histories as the write path logs them: a delete of an item that is not there changes nothing and is not logged. */
const steps = fc
  .array(fc.record({ pk: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), n: fc.option(fc.integer({ min: 0, max: 99 }), { nil: undefined, freq: 4 }) }), { maxLength: 30 })
  .map((raw) => {
    const present = new Set<string>();
    return raw.filter((step) => {
      if (step.n === undefined) return present.delete(step.pk);
      present.add(step.pk);
      return true;
    });
  });

for (const backend of storageBackends) {
  describe(`items at a time [${backend}]`, () => {
    const setup = freshCatalogs(backend);

    test('equal the history replayed up to that time, wherever the base and the time are', async () => {
      const { storage, catalog } = await setup();
      let run = 0;
      await fc.assert(
        fc.asyncProperty(steps, fc.nat(), fc.integer({ min: -1, max: 31 }), async (history_, baseSeed, stepsBefore) => {
          run++;
          const table = await createCatalogTable(catalog, `t${run}`);
          const baseAt = baseSeed % (history_.length + 1);
          const baseArn = await history(storage, table, history_, baseAt, run);
          // A time between two steps: every step before it happened, none after.
          const at = stepsBefore * STEP - STEP / 2;
          const owner = { kind: 'export', id: run } as const;
          const source = await prepareAt(storage, { ...TEST_NAMESPACE, baseArn, sourceTableId: table.id, at, owner }, () => false);
          assert.ok(typeof source === 'object', `prepared: ${String(source)}`);
          const read = new Map<string, Item>();
          for await (const page of itemPages(storage, source, 2)) for (const item of page) read.set((item.pk as { S: string }).S, item);
          const expected = stateAfter(history_, Math.max(0, Math.min(history_.length, stepsBefore)));
          assert.deepEqual(new Map([...read].sort()), new Map([...expected].sort()));
          await dropOverlay(storage, owner);
          const left = await storage.read((tx) => [...tx.range({ ...prefixRange(overlayPrefix(owner)), limit: 1 })].length);
          assert.equal(left, 0, 'the overlay is gone');
        }),
        { numRuns: backend === 'postgres' ? 15 : 60 },
      );
    });
  });
}
