/**
 * Every change path writes exactly one stream record per changed item, read
 * back through GetRecords: BatchWriteItem, TransactWriteItems, PartiQL and TTL
 * deletions. Also the stream's life around the table: a stream disabled before
 * any write is still listed and described, and a deleted table's stream stays
 * readable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  ExecuteStatementCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, ListStreamsCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { createStreamTable, readStream, streamsClient } from '../helpers/streams.js';

const streamTable = (ddb: DynamoDBClient, base: string) => createStreamTable(ddb, uniqueName(base), 'NEW_AND_OLD_IMAGES');

/** "eventName pk" per record, in stream order. */
function changes(records: readonly _Record[]): string[] {
  return records.map((record) => `${record.eventName} ${record.dynamodb!.Keys!.pk!.S}`);
}

const item = (pk: string, n: number) => ({ pk: { S: pk }, n: { N: String(n) } });

describeEachBackend('one stream record per item change', (target) => {
  test('BatchWriteItem', async () => {
    const { ddb, endpoint } = target();
    const { TableName, arn } = await streamTable(ddb, 'stream_batch');
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: ['a', 'b', 'c'].map((pk) => ({ PutRequest: { Item: item(pk, 1) } })) } }));
    await ddb.send(new BatchWriteItemCommand({
      RequestItems: {
        [TableName]: [
          { DeleteRequest: { Key: { pk: { S: 'a' } } } },
          { PutRequest: { Item: item('b', 2) } },
          // Unchanged: no record.
          { PutRequest: { Item: item('c', 1) } },
          // Deleting what is not there changes nothing either.
          { DeleteRequest: { Key: { pk: { S: 'nothing' } } } },
        ],
      },
    }));
    const records = await readStream(streamsClient(endpoint), arn);
    assert.deepEqual(changes(records.slice(0, 3)).sort(), ['INSERT a', 'INSERT b', 'INSERT c']);
    assert.deepEqual(changes(records.slice(3)).sort(), ['MODIFY b', 'REMOVE a']);
    assert.deepEqual(records.find((r) => r.eventName === 'MODIFY')!.dynamodb!.OldImage, item('b', 1));
  });

  test('TransactWriteItems', async () => {
    const { ddb, endpoint } = target();
    const { TableName, arn } = await streamTable(ddb, 'stream_transact');
    await ddb.send(new PutItemCommand({ TableName, Item: item('u', 1) }));
    await ddb.send(new PutItemCommand({ TableName, Item: item('d', 1) }));
    await ddb.send(new PutItemCommand({ TableName, Item: item('c', 1) }));
    await ddb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName, Item: item('p', 1) } },
        { Update: { TableName, Key: { pk: { S: 'u' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '2' } } } },
        { Delete: { TableName, Key: { pk: { S: 'd' } } } },
        { ConditionCheck: { TableName, Key: { pk: { S: 'c' } }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    }));
    // A cancelled transaction writes no record at all.
    await assert.rejects(ddb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName, Item: item('q', 1) } },
        { ConditionCheck: { TableName, Key: { pk: { S: 'c' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    })), { name: 'TransactionCanceledException' });
    const records = await readStream(streamsClient(endpoint), arn);
    assert.deepEqual(changes(records.slice(3)).sort(), ['INSERT p', 'MODIFY u', 'REMOVE d']);
    assert.equal(records.length, 6);
  });

  test('PartiQL INSERT, UPDATE and DELETE', async () => {
    const { ddb, endpoint } = target();
    const { TableName, arn } = await streamTable(ddb, 'stream_partiql');
    await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${TableName}" VALUE {'pk': 'x', 'n': 1}` }));
    await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE "${TableName}" SET n = 2 WHERE pk = 'x'` }));
    await ddb.send(new ExecuteStatementCommand({ Statement: `DELETE FROM "${TableName}" WHERE pk = 'x'` }));
    const records = await readStream(streamsClient(endpoint), arn);
    assert.deepEqual(changes(records), ['INSERT x', 'MODIFY x', 'REMOVE x']);
    assert.deepEqual(records[1]!.dynamodb!.NewImage, item('x', 2));
  });

  test('a TTL deletion: one REMOVE record from the service', async () => {
    const { ddb, endpoint } = target();
    const { TableName, arn } = await streamTable(ddb, 'stream_ttl');
    await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
    const past = Math.floor(Date.now() / 1000) - 10;
    // The item that stays is written first: the sweeper may remove the expired one as soon as it is written.
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'kept' }, expiresAt: { N: String(past + 3600) } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'gone' }, expiresAt: { N: String(past) } } }));
    const streams = streamsClient(endpoint);
    let records: _Record[] = [];
    // A generous wait for the sweeper (every second): a busy machine delays it, the assertions below decide.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !records.some((r) => r.eventName === 'REMOVE'); ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      records = await readStream(streams, arn);
    }
    // Two more sweeps must not add a second record for the same deletion.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    records = await readStream(streams, arn);
    assert.deepEqual(changes(records), ['INSERT kept', 'INSERT gone', 'REMOVE gone']);
    assert.deepEqual(records[2]!.userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
    assert.equal(records[0]!.userIdentity, undefined);
  });
});

describeEachBackend('a stream around its table', (target) => {
  test('a stream disabled before any write is listed and described as DISABLED', async () => {
    const { ddb, endpoint } = target();
    const { TableName, arn } = await streamTable(ddb, 'stream_unused');
    await ddb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }));
    const streams = streamsClient(endpoint);
    const listed = await streams.send(new ListStreamsCommand({ TableName }));
    assert.deepEqual(listed.Streams!.map((s) => s.StreamArn), [arn]);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    assert.equal(StreamDescription!.StreamStatus, 'DISABLED');
    assert.equal(StreamDescription!.TableName, TableName);
    assert.equal(StreamDescription!.Shards!.length, 1);
    assert.deepEqual(await readStream(streams, arn), []);
  });

  test("a deleted table's stream stays readable", async () => {
    const { ddb, endpoint } = target();
    const { TableName, arn } = await streamTable(ddb, 'stream_deleted');
    await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) } } }));
    await ddb.send(new DeleteTableCommand({ TableName }));
    const streams = streamsClient(endpoint);
    assert.deepEqual((await streams.send(new ListStreamsCommand({ TableName }))).Streams!.map((s) => s.StreamArn), [arn]);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    assert.equal(StreamDescription!.StreamStatus, 'DISABLED');
    assert.ok(StreamDescription!.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber !== undefined);
    assert.deepEqual(changes(await readStream(streams, arn)), ['INSERT a']);
  });
});
