/**
 * Write capacity on tables with secondary indexes: every index entry a write
 * puts or deletes costs write units by its projected size, charged to its
 * index. The numbers were checked against DynamoDB Local
 * (DYNALITH_TEST_ENDPOINT=http://127.0.0.1:8001 runs this suite there).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type ConsumedCapacity,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

/** 2,500 bytes: three write units for the item and for an ALL-projected entry of it. */
const BIG = 'x'.repeat(2500);

describeEachBackend('write capacity with secondary indexes', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'cap_idx', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      indexes: [
        { name: 'gAll', hash: ['g', 'S'] },
        { name: 'gKeys', hash: ['g', 'S'], projection: 'KEYS_ONLY' },
        { name: 'lInc', local: true, range: ['l', 'S'], projection: ['small'] },
      ],
    });
  });

  const key = (pk: string): Item => ({ pk: { S: pk }, sk: { S: '1' } });
  const full = (pk: string): Item => ({ ...key(pk), g: { S: 'g1' }, l: { S: 'l1' }, big: { S: BIG }, small: { S: 's' } });

  async function put(item: Item, mode: 'INDEXES' | 'TOTAL' = 'INDEXES'): Promise<ConsumedCapacity | undefined> {
    return (await target().ddb.send(new PutItemCommand({ TableName: table, Item: item, ReturnConsumedCapacity: mode }))).ConsumedCapacity;
  }

  async function update(pk: string, expression: string, values?: Item, mode: 'INDEXES' | 'TOTAL' = 'INDEXES'): Promise<ConsumedCapacity | undefined> {
    const result = await target().ddb.send(
      new UpdateItemCommand({ TableName: table, Key: key(pk), UpdateExpression: expression, ExpressionAttributeValues: values, ReturnConsumedCapacity: mode }),
    );
    return result.ConsumedCapacity;
  }

  /** The expected INDEXES answer; index maps only when an index of that kind was charged. */
  function charged(tableUnits: number, local: Record<string, number>, global: Record<string, number>): ConsumedCapacity {
    const units = (byName: Record<string, number>) =>
      Object.keys(byName).length === 0 ? undefined : Object.fromEntries(Object.entries(byName).map(([name, n]) => [name, { CapacityUnits: n }]));
    const total = [tableUnits, ...Object.values(local), ...Object.values(global)].reduce((a, b) => a + b, 0);
    const expected: ConsumedCapacity = { TableName: table, CapacityUnits: total, Table: { CapacityUnits: tableUnits } };
    const locals = units(local);
    const globals = units(global);
    if (locals !== undefined) expected.LocalSecondaryIndexes = locals;
    if (globals !== undefined) expected.GlobalSecondaryIndexes = globals;
    return expected;
  }

  test('a new item costs one entry write per index holding it, by the projected size', async () => {
    assert.deepEqual(await put(full('new')), charged(3, { lInc: 1 }, { gAll: 3, gKeys: 1 }));
  });

  test('rewriting an item whose projections do not change costs the table alone', async () => {
    await put(full('same'));
    assert.deepEqual(await put(full('same')), charged(3, {}, {}));
  });

  test('an update is charged only to indexes that project a changed attribute', async () => {
    await put(full('upd'));
    assert.deepEqual(await update('upd', 'SET big = :v', { ':v': { S: `${BIG}y` } }), charged(3, {}, { gAll: 3 }));
    assert.deepEqual(await update('upd', 'SET small = :v', { ':v': { S: 't' } }), charged(3, { lInc: 1 }, { gAll: 3 }));
  });

  test('changing an index key moves the entry: a delete plus a put', async () => {
    await put(full('move'));
    assert.deepEqual(await update('move', 'SET g = :v', { ':v': { S: 'g2' } }), charged(3, {}, { gAll: 6, gKeys: 2 }));
  });

  test('removing an index key deletes the entry; adding it back puts one', async () => {
    await put(full('rm'));
    assert.deepEqual(await update('rm', 'REMOVE l'), charged(3, { lInc: 1 }, { gAll: 3 }));
    assert.deepEqual(await update('rm', 'SET l = :v', { ':v': { S: 'l9' } }, 'TOTAL'), { TableName: table, CapacityUnits: 7 });
  });

  test('an item outside every index costs the table alone', async () => {
    assert.deepEqual(await put(key('sparse')), charged(1, {}, {}));
  });

  test('DeleteItem pays for the entries it deletes; a missing item costs one unit', async () => {
    await put(full('del'));
    const deleted = await target().ddb.send(new DeleteItemCommand({ TableName: table, Key: key('del'), ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(deleted.ConsumedCapacity, charged(3, { lInc: 1 }, { gAll: 3, gKeys: 1 }));
    const missing = await target().ddb.send(new DeleteItemCommand({ TableName: table, Key: key('del'), ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(missing.ConsumedCapacity, charged(1, {}, {}));
  });

  test('BatchWriteItem sums the table and each index per table', async () => {
    await put(key('batch-sparse'));
    const result = await target().ddb.send(
      new BatchWriteItemCommand({
        ReturnConsumedCapacity: 'INDEXES',
        RequestItems: {
          [table]: [
            { PutRequest: { Item: full('batch-a') } },
            { PutRequest: { Item: { ...key('batch-b'), g: { S: 'g1' } } } },
            { DeleteRequest: { Key: key('batch-sparse') } },
          ],
        },
      }),
    );
    assert.deepEqual(result.ConsumedCapacity, [charged(5, { lInc: 1 }, { gAll: 4, gKeys: 2 })]);
  });

  test('an index entry is charged by its own size, without the overhead DynamoDB counts for storage', async () => {
    // Names and values: pk 2+4, sk 2+1, g 1+2, d 1+1010 = 1023 bytes, one unit for the item and for its ALL entry.
    const edge = { pk: { S: 'edge' }, sk: { S: '1' }, g: { S: 'g1' }, d: { S: 'x'.repeat(1010) } };
    assert.deepEqual(await put(edge), charged(1, {}, { gAll: 1, gKeys: 1 }));
  });
});
