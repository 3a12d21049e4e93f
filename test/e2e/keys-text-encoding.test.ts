/**
 * Strings JSON can carry but UTF-8 cannot (lone surrogates, written `\ud800`)
 * and bodies that are not UTF-8 at all. A UTF-8 encoder replaces both with
 * U+FFFD, which once made "\ud800", "\udfff" and "\ufffd" one stored key.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw.js';
import { createTable } from '../helpers/tables.js';

const TEXTS = ['\ud800', '\udfff', '\ufffd', '\ud800\udc00', 'x\ud800y', 'x\udc00y', 'x\ufffdy', '?'];

describeEachBackend('Lone surrogates and text that is not UTF-8', (target) => {
  let table: string;
  let sorted: string;
  before(async () => {
    const ddb = target().ddb;
    table = await createTable(ddb, 'text_keys', { hash: ['pk', 'S'], indexes: [{ name: 'byG', hash: ['g', 'S'] }] });
    sorted = await createTable(ddb, 'text_sorted', { hash: ['pk', 'S'], range: ['sk', 'S'] });
    for (const [i, text] of TEXTS.entries()) {
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: text }, g: { S: text }, v: { N: String(i) } } }));
      await ddb.send(new PutItemCommand({ TableName: sorted, Item: { pk: { S: 'p' }, sk: { S: text }, twin: { S: text } } }));
    }
  });

  test('keys that differ only in lone surrogates or U+FFFD stay distinct items', async () => {
    const ddb = target().ddb;
    for (const [i, text] of TEXTS.entries()) {
      const { Item } = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: text } }, ConsistentRead: true }));
      assert.deepEqual(Item, { pk: { S: text }, g: { S: text }, v: { N: String(i) } });
    }
    const { Items } = await ddb.send(new ScanCommand({ TableName: table }));
    assert.deepEqual(Items?.map((item) => item.pk?.S).sort(), [...TEXTS].sort());
  });

  test('an index keyed by such strings keeps one entry per item', async () => {
    const ddb = target().ddb;
    for (const [i, text] of TEXTS.entries()) {
      const { Items } = await ddb.send(
        new QueryCommand({ TableName: table, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: text } } }),
      );
      assert.deepEqual(Items?.map((item) => item.v?.N), [String(i)]);
    }
  });

  test('sort keys holding lone surrogates order the same in a key condition as in a filter on a copy', async () => {
    const ddb = target().ddb;
    const all = (await ddb.send(new QueryCommand({ TableName: sorted, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } })))
      .Items!.map((item) => item.sk!.S!);
    assert.equal(all.length, TEXTS.length);
    for (const bound of TEXTS) {
      const values = { ':p': { S: 'p' }, ':b': { S: bound } };
      const byKey = await ddb.send(new QueryCommand({ TableName: sorted, KeyConditionExpression: 'pk = :p AND sk > :b', ExpressionAttributeValues: values }));
      const byFilter = await ddb.send(
        new QueryCommand({ TableName: sorted, KeyConditionExpression: 'pk = :p', FilterExpression: 'twin > :b', ExpressionAttributeValues: values }),
      );
      const above = byKey.Items!.map((item) => item.sk!.S!);
      assert.deepEqual(above, byFilter.Items!.map((item) => item.sk!.S!), `sk > ${JSON.stringify(bound)}`);
      // The key range is a suffix of the partition's order.
      assert.deepEqual(above, all.slice(all.length - above.length));
    }
  });

  test('names and values holding lone surrogates come back as written', async () => {
    const ddb = target().ddb;
    const Item: Record<string, AttributeValue> = {
      pk: { S: 'values' },
      '\ud800': { S: '\udfff' },
      '\udfff': { S: '\ud800' },
      m: { M: { '\ud800': { SS: ['\ufffd', '\ud800', '\udfff'] }, '\ufffd': { L: [{ S: 'a\udc00' }] } } },
    };
    await ddb.send(new PutItemCommand({ TableName: table, Item }));
    const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'values' } }, ConsistentRead: true }));
    assert.deepEqual(got.Item, Item);
  });

  test('two ClientRequestTokens that differ only in a lone surrogate are two tokens', async () => {
    const ddb = target().ddb;
    for (const [i, token] of ['\ud800', '\udfff', '\ufffd'].entries()) {
      const put = { Put: { TableName: table, Item: { pk: { S: `token${i}` } } } };
      await ddb.send(new TransactWriteItemsCommand({ TransactItems: [put], ClientRequestToken: token }));
    }
  });

  test('a body that is not UTF-8 is a SerializationException, and writes nothing', async () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xbf]]) {
      const body = Buffer.concat([Buffer.from(`{"TableName":"${table}","Item":{"pk":{"S":"bad`), Buffer.from(bad), Buffer.from('"}}}')]);
      const response = await rawRequest(target().endpoint, { target: 'DynamoDB_20120810.PutItem', body });
      assert.equal(response.status, 400);
      assert.deepEqual(response.json(), { __type: 'com.amazon.coral.service#SerializationException' });
    }
    const { Items } = await target().ddb.send(
      new ScanCommand({ TableName: table, FilterExpression: 'begins_with(pk, :b)', ExpressionAttributeValues: { ':b': { S: 'bad' } } }),
    );
    assert.deepEqual(Items, []);
  });
});
