/**
 * A SELECT whose 1 MB page holds a great many small items: the page's entries
 * are gathered without spreading them into one call's arguments, which past
 * about 130,000 entries overflowed the stack (a 500). The items are written
 * straight into a memory store: writing so many through the API takes long.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { itemKey } from '../../src/engine/item-key.js';
import { createServices } from '../../src/engine/services.js';
import { encodeStored } from '../../src/engine/stored-item.js';
import { itemSize } from '../../src/model/item-size.js';
import { keyFromItem } from '../../src/model/primary-key.js';
import { tableKeySchema } from '../../src/operations/items/item-operation.js';
import { dispatch } from '../../src/server/dispatch.js';
import { createMemoryStorage } from '../../src/storage/memory.js';

test('a SELECT of 180,000 small items is answered in 1 MB pages', async () => {
  const storage = createMemoryStorage();
  const services = await createServices({ ...DEFAULT_CONFIG, inMemory: true }, createLogger('silent'), storage);
  const ns = { account: '000000000000', region: 'us-east-1' };
  const call = async (operation: string, body: object) =>
    JSON.parse(await dispatch(`DynamoDB_20120810.${operation}`, Buffer.from(JSON.stringify(body)), () => ns, services, 'test')) as Record<string, unknown>;
  await call('CreateTable', {
    TableName: 'small',
    KeySchema: [{ AttributeName: 'p', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'p', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const table = services.catalog.get(ns, 'small')!;
  const count = 180_000;
  await storage.write((tx) => {
    for (let i = 0; i < count; i++) {
      const item = { p: { S: `k${i.toString(36).padStart(5, '0')}` } };
      tx.put(itemKey(table.id, keyFromItem(item, tableKeySchema(table))), encodeStored(JSON.stringify(item), itemSize(item)));
    }
  });
  let seen = 0;
  let pages = 0;
  let NextToken: string | undefined;
  do {
    const page = await call('ExecuteStatement', { Statement: 'SELECT * FROM "small"', ...(NextToken === undefined ? {} : { NextToken }) });
    seen += (page.Items as unknown[]).length;
    NextToken = page.NextToken as string | undefined;
    pages++;
  } while (NextToken !== undefined);
  assert.equal(seen, count);
  // 1.26 MB of items: the first page stops at 1 MB, with about 150,000 of them.
  assert.equal(pages, 2);
  await storage.close();
});
