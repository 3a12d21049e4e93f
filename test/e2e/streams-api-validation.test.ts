/**
 * The DynamoDB Streams API's checks and paging through
 * @aws-sdk/client-dynamodb-streams: stream ARNs, Limits, ExclusiveStart*,
 * ShardFilter, and iterators at a shard's StartingSequenceNumber.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type DynamoDBStreamsClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, describeEachBackend, externalEndpoint, uniqueName } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';
import { createStreamTable, streamsClient } from '../helpers/streams.js';

async function expectError(send: () => Promise<unknown>, name: string, message: string): Promise<void> {
  const error = await errorOf(send);
  assert.equal(error.name, name);
  assert.equal(error.message, message);
}

async function shardsOf(streams: DynamoDBStreamsClient, StreamArn: string): Promise<Shard[]> {
  return (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards!;
}

async function iterator(streams: DynamoDBStreamsClient, StreamArn: string, ShardId: string, ShardIteratorType: ShardIteratorType, SequenceNumber?: string) {
  return (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType, SequenceNumber }))).ShardIterator!;
}

async function keysRead(streams: DynamoDBStreamsClient, ShardIterator: string): Promise<string[]> {
  const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
  return page.Records!.map((record) => record.dynamodb!.Keys!.pk!.S!);
}

const put = (ddb: DynamoDBClient, TableName: string, pk: string) => ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }));

describeEachBackend('the Streams API', (target) => {
  let streams: DynamoDBStreamsClient;
  before(() => {
    streams = streamsClient(target().endpoint);
  });
  after(() => streams.destroy());

  test("AT and AFTER_SEQUENCE_NUMBER at an empty shard's StartingSequenceNumber read the records written later", async () => {
    const { TableName, arn } = await createStreamTable(target().ddb, uniqueName('empty_shard'), 'KEYS_ONLY');
    const [shard] = await shardsOf(streams, arn);
    const start = shard!.SequenceNumberRange!.StartingSequenceNumber!;
    assert.equal(shard!.SequenceNumberRange!.EndingSequenceNumber, undefined);
    const at = await iterator(streams, arn, shard!.ShardId!, 'AT_SEQUENCE_NUMBER', start);
    const afterStart = await iterator(streams, arn, shard!.ShardId!, 'AFTER_SEQUENCE_NUMBER', start);
    await put(target().ddb, TableName, 'first');
    await put(target().ddb, TableName, 'second');
    assert.deepEqual(await keysRead(streams, at), ['first', 'second']);
    assert.deepEqual(await keysRead(streams, afterStart), ['first', 'second']);
  });

  test('every shard of a disabled stream ends, an empty one at its own StartingSequenceNumber', async () => {
    const { TableName, arn } = await createStreamTable(target().ddb, uniqueName('disabled_empty'), 'KEYS_ONLY');
    await target().ddb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }));
    const [shard] = await shardsOf(streams, arn);
    const range = shard!.SequenceNumberRange!;
    assert.equal(range.EndingSequenceNumber, range.StartingSequenceNumber);
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(streams, arn, shard!.ShardId!, 'TRIM_HORIZON') }));
    assert.deepEqual(page.Records, []);
    assert.equal(page.NextShardIterator, undefined);
  });

  test('a malformed stream ARN is a ValidationException; a well-formed one of no stream is not found', async () => {
    const { arn } = await createStreamTable(target().ddb, uniqueName('arns'), 'KEYS_ONLY');
    const [shard] = await shardsOf(streams, arn);
    const ShardId = shard!.ShardId!;
    for (const malformed of ['arn:aws:dynamodb:us-east-1:000000000000:table/no_stream', `${arn}x`, 'sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf']) {
      await expectError(() => streams.send(new DescribeStreamCommand({ StreamArn: malformed })), 'ValidationException', 'Invalid StreamArn');
      await expectError(
        () => streams.send(new GetShardIteratorCommand({ StreamArn: malformed, ShardId, ShardIteratorType: 'LATEST' })),
        'ValidationException',
        'Invalid StreamArn',
      );
      await expectError(() => streams.send(new ListStreamsCommand({ ExclusiveStartStreamArn: malformed })), 'ValidationException', 'Invalid StreamArn');
    }
    const missing = arn.replace('/stream/', '_gone/stream/');
    await expectError(
      () => streams.send(new DescribeStreamCommand({ StreamArn: missing })),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${missing} not found`,
    );
    await expectError(
      () => streams.send(new GetShardIteratorCommand({ StreamArn: missing, ShardId, ShardIteratorType: 'LATEST' })),
      'ResourceNotFoundException',
      `Requested resource not found: Stream: ${missing} not found`,
    );
    await expectError(
      () => streams.send(new DescribeStreamCommand({ StreamArn: 'arn:aws:dynamodb:us-east-1:0' })),
      'ValidationException',
      "1 validation error detected: Value 'arn:aws:dynamodb:us-east-1:0' at 'streamArn' failed to satisfy constraint: Member must have length greater than or equal to 37",
    );
  });

  test('Limit above 100 is refused in words of each operation', async () => {
    const { arn } = await createStreamTable(target().ddb, uniqueName('limits'), 'KEYS_ONLY');
    await expectError(
      () => streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 101 })),
      'ValidationException',
      'One or more parameter values were invalid: Limit cannot be greater than the maximum: 100',
    );
    await expectError(
      () => streams.send(new ListStreamsCommand({ Limit: 101 })),
      'ValidationException',
      'One or more parameter values were invalid: Limit cannot be greater than the maximum allowed size: 100',
    );
    assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 100 }))).StreamDescription!.Shards!.length, 1);
  });

  test('ExclusiveStartShardId and ExclusiveStartStreamArn are positions, whether or not they exist', async () => {
    const { TableName, arn } = await createStreamTable(target().ddb, uniqueName('positions'), 'KEYS_ONLY');
    const describe = async (ExclusiveStartShardId: string) =>
      (await streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId }))).StreamDescription!.Shards!.map((s) => s.ShardId);
    const [shard] = await shardsOf(streams, arn);
    assert.deepEqual(await describe('shardId-99999999999999999999-ffffffff'), []);
    assert.deepEqual(await describe('zzzzzzzzzzzzzzzzzzzzzzzzsfasdgagadfadfgagkjsdfsfsdjfjks'), []);
    assert.deepEqual(await describe(shard!.ShardId!), []);
    assert.deepEqual(await describe('shardId-00000000000000000000-00000000'), [shard!.ShardId]);
    const listed = await streams.send(new ListStreamsCommand({ TableName, ExclusiveStartStreamArn: arn.replace(`/${TableName}/`, `/${TableName.slice(0, -1)}/`) }));
    assert.deepEqual(listed.Streams!.map((s) => s.StreamArn), [arn]);
  });
});

describe('DescribeStream over several shards', { skip: externalEndpoint !== undefined }, () => {
  let server: RunningServer;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let arn: string;
  let shards: Shard[];

  before(async () => {
    // Two records per shard: five writes leave two full shards and a third with one record.
    server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', streamShardMaxRecords: 2 }, createLogger('silent'));
    ddb = clientFor(server.endpoint);
    streams = streamsClient(server.endpoint);
    const created = await createStreamTable(ddb, uniqueName('shards'), 'KEYS_ONLY');
    arn = created.arn;
    for (let i = 0; i < 5; i++) await put(ddb, created.TableName, `k${i}`);
    shards = await shardsOf(streams, arn);
  });
  after(async () => {
    ddb.destroy();
    streams.destroy();
    await server.close();
  });

  test('lists shards in id order, parents first, and pages by position', async () => {
    assert.equal(shards.length, 3);
    const ids = shards.map((shard) => shard.ShardId!);
    assert.deepEqual([...ids].sort(), ids);
    assert.deepEqual(shards.map((shard) => shard.ParentShardId), [undefined, ids[0], ids[1]]);
    const first = (await streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 1 }))).StreamDescription!;
    assert.deepEqual(first.Shards!.map((s) => s.ShardId), [ids[0]]);
    assert.equal(first.LastEvaluatedShardId, ids[0]);
    const rest = (await streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: ids[0] }))).StreamDescription!;
    assert.deepEqual(rest.Shards!.map((s) => s.ShardId), ids.slice(1));
    assert.equal(rest.LastEvaluatedShardId, undefined);
  });

  test("ShardFilter CHILD_SHARDS answers only the shard's children", async () => {
    const children = async (ShardId: string) =>
      (await streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId } }))).StreamDescription!.Shards!.map(
        (s) => s.ShardId,
      );
    assert.deepEqual(await children(shards[0]!.ShardId!), [shards[1]!.ShardId]);
    assert.deepEqual(await children(shards[1]!.ShardId!), [shards[2]!.ShardId]);
    assert.deepEqual(await children(shards[2]!.ShardId!), []);
    assert.deepEqual(await children('shardId-00000000000000000000-00000000'), []);
  });

  test("ShardFilter's validation errors", async () => {
    await expectError(
      () => streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { ShardId: shards[0]!.ShardId! } })),
      'ValidationException',
      "1 validation error detected: Value 'null' at 'shardFilter.type' failed to satisfy constraint: Member must be CHILD_SHARDS",
    );
    await expectError(
      () =>
        streams.send(
          new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: shards[0]!.ShardId! }, ExclusiveStartShardId: shards[0]!.ShardId! }),
        ),
      'ValidationException',
      'ShardFilter and ExclusiveStartShardId both should not be specified in the request.',
    );
    await expectError(
      () => streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: 'short' } })),
      'ValidationException',
      "1 validation error detected: Value 'short' at 'shardFilter.shardId' failed to satisfy constraint: Member must have length greater than or equal to 28",
    );
  });

  test("an iterator at a child shard's StartingSequenceNumber reads that shard's records only", async () => {
    const child = shards[1]!;
    const start = child.SequenceNumberRange!.StartingSequenceNumber!;
    assert.ok(BigInt(start) > BigInt(shards[0]!.SequenceNumberRange!.EndingSequenceNumber!));
    assert.deepEqual(await keysRead(streams, await iterator(streams, arn, child.ShardId!, 'AT_SEQUENCE_NUMBER', start)), ['k2', 'k3']);
    assert.deepEqual(await keysRead(streams, await iterator(streams, arn, child.ShardId!, 'AFTER_SEQUENCE_NUMBER', start)), ['k2', 'k3']);
  });
});
