/**
 * A store whose write transactions keep losing to concurrent ones (a
 * database's serialisation failures past every retry) is answered as
 * DynamoDB answers contention: a transaction is cancelled with
 * TransactionConflict reasons, a single write gets TransactionConflictException;
 * never a 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createServices } from '../../src/engine/services.js';
import { dispatch } from '../../src/server/dispatch.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { StorageContention } from '../../src/storage/faults.js';
import type { Storage } from '../../src/storage/storage.js';
import { DynamoError } from '../../src/protocol/errors.js';

const NAMESPACE = { account: '000000000000', region: 'us-east-1' };

test('writes that keep conflicting: TransactionConflict, not an internal error', async () => {
  const storage = createMemoryStorage();
  let contended = false;
  const flaky: Storage = Object.assign(Object.create(storage) as Storage, {
    write: <T>(fn: Parameters<Storage['write']>[0]) => (contended ? Promise.reject(new StorageContention('conflicted 50 times')) : (storage.write(fn) as Promise<T>)),
  });
  const services = await createServices({ ...DEFAULT_CONFIG, inMemory: true, logLevel: 'silent' }, createLogger('silent'), flaky);
  const call = (operation: string, body: unknown) => dispatch(`DynamoDB_20120810.${operation}`, Buffer.from(JSON.stringify(body)), () => NAMESPACE, services, 'test');
  await call('CreateTable', {
    TableName: 'contended',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  contended = true;
  await assert.rejects(call('PutItem', { TableName: 'contended', Item: { pk: { S: 'a' } } }), (error: DynamoError) => {
    assert.equal(error.type, 'TransactionConflictException');
    assert.equal(error.message, 'Transaction is ongoing for the item');
    return true;
  });
  await assert.rejects(
    call('TransactWriteItems', { TransactItems: [{ Put: { TableName: 'contended', Item: { pk: { S: 'a' } } } }, { Put: { TableName: 'contended', Item: { pk: { S: 'b' } } } }] }),
    (error: DynamoError) => {
      assert.equal(error.type, 'TransactionCanceledException');
      assert.deepEqual(
        (error.extra?.CancellationReasons as { Code: string }[]).map((reason) => reason.Code),
        ['TransactionConflict', 'TransactionConflict'],
      );
      return true;
    },
  );
  await services.catalog.stop();
  await storage.close();
});
