import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';
import { createStreamTable, streamsClient } from '../helpers/streams.js';

/** An item of exactly `size` bytes (DynamoDB's item size) under a five-character key. */
const sized = (pk: string, size: number): Record<string, AttributeValue> => {
  assert.equal(pk.length, 5);
  // 'pk' + the key (2 + 5 bytes) and 'd' (1 byte) leave the rest to the string.
  return { pk: { S: pk }, d: { S: 'x'.repeat(size - 8) } };
};

describeEachBackend('Response size limits', (target) => {
  let table: string;
  // Ten items of 400,000 bytes and one of 194,260: with the 4 bytes counted per
  // Get, exactly 4 MB (4,194,304 bytes) of answer.
  const keys = Array.from({ length: 11 }, (_, i) => `k${String(i).padStart(4, '0')}`);
  before(async () => {
    const ddb = target().ddb;
    table = await createTable(ddb, 'limits_tx');
    for (const [i, pk] of keys.entries()) await ddb.send(new PutItemCommand({ TableName: table, Item: sized(pk, i < 10 ? 400_000 : 194_260) }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: sized('small', 100) }));
  });

  const transactGet = (pks: readonly string[], ProjectionExpression?: string) =>
    target().ddb.send(new TransactGetItemsCommand({ TransactItems: pks.map((pk) => ({ Get: { TableName: table, Key: { pk: { S: pk } }, ProjectionExpression } })) }));
  const transactSelect = (pks: readonly string[]) =>
    target().ddb.send(new ExecuteTransactionCommand({ TransactStatements: pks.map((pk) => ({ Statement: `SELECT * FROM "${table}" WHERE pk = '${pk}'` })) }));

  // DynamoDB Local 3.3.1 gives these exact figures and message.
  test('TransactGetItems answers up to 4 MB of items, counting 4 bytes per Get', async () => {
    const result = await transactGet(keys);
    assert.equal(result.Responses?.length, 11);
    const error = await errorOf(() => transactGet([...keys, 'absent']));
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'Payload in response is too large.4194308');
    const first = await errorOf(() => transactGet(['absent', ...keys]));
    assert.equal(first.message, 'Payload in response is too large.4194308');
  });

  test('TransactGetItems counts the projected items, and stops counting where the total passes 4 MB', async () => {
    const many = [...keys, ...Array.from({ length: 50 }, (_, i) => `absent${i}`)];
    assert.equal((await transactGet(many, 'pk')).Responses?.length, 61);
    const error = await errorOf(() => transactGet([...keys, 'absent', 'small']));
    assert.equal(error.message, 'Payload in response is too large.4194308');
  });

  test('ExecuteTransaction reads answer up to 4 MB of items', async () => {
    assert.equal((await transactSelect(keys)).Responses?.length, 11);
    const error = await errorOf(() => transactSelect([...keys, 'absent']));
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'Payload in response is too large.4194308');
  });

  test('a SELECT over several partitions reads one page of 1 MB in all', async () => {
    const ddb = target().ddb;
    const name = await createTable(ddb, 'limits_in');
    const pks = ['in000', 'in001', 'in002', 'in003'];
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: pks.map((pk) => ({ PutRequest: { Item: sized(pk, 390_000) } })) } }));
    const Statement = `SELECT pk FROM "${name}" WHERE pk IN ['${pks.join("', '")}']`;
    const first = await ddb.send(new ExecuteStatementCommand({ Statement }));
    // The third item is the one that reaches 1 MB, and is still part of the page.
    assert.equal(first.Items?.length, 3);
    assert.ok(first.NextToken);
    const second = await ddb.send(new ExecuteStatementCommand({ Statement, NextToken: first.NextToken }));
    assert.deepEqual([...first.Items!, ...second.Items!].map((item) => item.pk?.S).sort(), pks);
    assert.equal(second.NextToken, undefined);
  });

  test('GetRecords answers about 1 MB of records at a time', async () => {
    const ddb = target().ddb;
    const streams = streamsClient(target().endpoint);
    const { TableName, arn } = await createStreamTable(ddb, uniqueName('limits_records'), 'NEW_IMAGE');
    for (let i = 0; i < 5; i++) await ddb.send(new PutItemCommand({ TableName, Item: sized(`rec0${i}`, 390_000) }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const ShardId = StreamDescription!.Shards![0]!.ShardId!;
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const pages: number[] = [];
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (page.Records!.length === 0) break;
      pages.push(page.Records!.length);
      iterator = page.NextShardIterator;
    }
    // The record that reaches 1 MB ends its page.
    assert.deepEqual(pages, [3, 2]);
  });
});
