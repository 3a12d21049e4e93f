import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { operationTable } from '../../src/operations/operation-table.js';
import { defineOperation, type Operation } from '../../src/operations/operation.js';
import { findOperation } from '../../src/operations/registry.js';
import { findStreamsOperation } from '../../src/operations/streams/registry.js';
import { struct } from '../../src/protocol/shape.js';

function fake(name: string): Operation<never> {
  return defineOperation<never>({ name, shape: struct(`${name}Input`, {}), execute: () => ({}) });
}

describe('operationTable', () => {
  test('an eager entry is found at once; unknown names are not found', () => {
    const put = fake('PutItem');
    const find = operationTable({ PutItem: put });
    assert.equal(find('PutItem'), put);
    assert.equal(find('Nope'), undefined);
  });

  test('a lazy entry loads once, then is found at once', async () => {
    let loads = 0;
    const tag = fake('TagResource');
    const find = operationTable({
      TagResource: async () => {
        loads++;
        return tag;
      },
    });
    const [first, second] = [find('TagResource'), find('TagResource')];
    assert.ok(first instanceof Promise);
    assert.equal(await first, tag);
    assert.equal(await second, tag);
    assert.equal(find('TagResource'), tag);
    assert.equal(loads, 1);
  });

  test('a failed load is retried by the next request', async () => {
    let loads = 0;
    const find = operationTable({
      DescribeLimits: async () => {
        loads++;
        if (loads === 1) throw new Error('disk hiccup');
        return fake('DescribeLimits');
      },
    });
    await assert.rejects(find('DescribeLimits') as Promise<unknown>, { message: 'disk hiccup' });
    assert.equal((await find('DescribeLimits'))?.name, 'DescribeLimits');
  });

  test('an entry registered under another name is refused', async () => {
    assert.throws(() => operationTable({ GetItem: fake('PutItem') }), { message: 'operation PutItem is registered as GetItem' });
    const find = operationTable({ GetItem: async () => fake('PutItem') });
    await assert.rejects(find('GetItem') as Promise<unknown>, { message: 'operation PutItem is registered as GetItem' });
  });
});

test('every API operation is registered under its own name', async () => {
  const names = [
    'ListTables', 'CreateTable', 'DescribeTable', 'DeleteTable', 'UpdateTable', 'PutItem', 'GetItem', 'UpdateItem',
    'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TagResource', 'UntagResource', 'ListTagsOfResource',
    'DescribeLimits', 'DescribeEndpoints', 'UpdateTimeToLive', 'DescribeTimeToLive', 'ExecuteStatement',
    'BatchExecuteStatement', 'ExecuteTransaction', 'TransactWriteItems', 'TransactGetItems',
  ];
  for (const name of names) assert.equal((await findOperation(name))?.name, name);
  for (const name of ['ListStreams', 'DescribeStream', 'GetShardIterator', 'GetRecords']) {
    assert.equal((await findStreamsOperation(name))?.name, name);
  }
  assert.equal(findOperation('GetItem') instanceof Promise, false, 'hot operations are loaded at start-up');
});
