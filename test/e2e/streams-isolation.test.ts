/**
 * Streams are isolated by region and account as tables are, and shard
 * iterators cannot be forged: they are signed with the store's secret for the
 * namespace they were issued to (features/streams/shard-iterator.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, describeEachBackend, uniqueName } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';
import { createStreamTable } from '../helpers/streams.js';

function streamsIn(endpoint: string, region: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ endpoint, region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

async function firstShardIterator(streams: DynamoDBStreamsClient, StreamArn: string): Promise<string> {
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards!;
  return (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: shards[0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
}

/** The iterator's position JSON with its MAC cut off and edited: what a forger can make without the secret. */
function forged(iterator: string, edit: (fields: [string, number, number]) => [string, number, number]): string {
  const [arn, version, payload] = iterator.split('|') as [string, string, string];
  const bytes = Buffer.from(payload, 'base64');
  const fields = JSON.parse(bytes.subarray(0, bytes.length - 32).toString('utf8')) as [string, number, number];
  const edited = Buffer.from(JSON.stringify(edit(fields)));
  return `${arn}|${version}|${Buffer.concat([edited, bytes.subarray(bytes.length - 32)]).toString('base64')}`;
}

describeEachBackend('streams: regions and accounts isolate streams; iterators are signed', (target) => {
  test("a client of another region cannot describe, iterate or read a region's stream", async () => {
    const europe = target().client({ region: 'eu-west-1' });
    const { arn } = await createStreamTable(europe, uniqueName('eu_stream'), 'NEW_IMAGE');
    await europe.send(new PutItemCommand({ TableName: arn.split('/')[1], Item: { pk: { S: 'secret' } } }));
    const own = streamsIn(target().endpoint, 'eu-west-1');
    const other = streamsIn(target().endpoint, 'us-east-1');
    const iterator = await firstShardIterator(own, arn);
    assert.equal((await own.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records!.length, 1);
    // DynamoDB Streams' answer for a stream it does not have (stream-reader.ts: streamNotFound).
    const notFound = `Requested resource not found: Stream: ${arn} not found`;
    const described = await errorOf(() => other.send(new DescribeStreamCommand({ StreamArn: arn })));
    assert.deepEqual([described.name, described.message], ['ResourceNotFoundException', notFound]);
    const shardId = (await own.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0]!.ShardId!;
    const iterated = await errorOf(() => other.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })));
    assert.deepEqual([iterated.name, iterated.message], ['ResourceNotFoundException', notFound]);
    // An iterator issued to eu-west-1 does not read from us-east-1.
    const read = await errorOf(() => other.send(new GetRecordsCommand({ ShardIterator: iterator })));
    assert.deepEqual([read.name, read.message], ['ValidationException', 'Invalid ShardIterator']);
    europe.destroy();
    own.destroy();
    other.destroy();
  });

  test('an edited iterator is invalid: another position, shard, or an issue time that never expires', async () => {
    const ddb = target().ddb;
    const { arn, TableName } = await createStreamTable(ddb, uniqueName('signed'), 'KEYS_ONLY');
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
    const streams = streamsIn(target().endpoint, 'us-east-1');
    const iterator = await firstShardIterator(streams, arn);
    const edits = [
      forged(iterator, ([shard, next, issued]) => [shard, next + 1, issued]),
      forged(iterator, ([shard, next, issued]) => [`${shard.slice(0, -1)}${shard.endsWith('0') ? '1' : '0'}`, next, issued]),
      forged(iterator, ([shard, next]) => [shard, next, Date.now() + 365 * 86_400_000]),
      iterator.replace(arn, arn.replace('us-east-1', 'eu-west-1')),
      // The MAC itself changed.
      `${iterator.slice(0, -8)}${iterator.slice(-8, -4) === 'AAAA' ? 'BBBB' : 'AAAA'}${iterator.slice(-4)}`,
    ];
    for (const edited of edits) {
      const error = await errorOf(() => streams.send(new GetRecordsCommand({ ShardIterator: edited })));
      assert.deepEqual([error.name, error.message], ['ValidationException', 'Invalid ShardIterator'], edited);
    }
    // The iterator as issued still reads, and so does the one GetRecords hands on.
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    assert.equal(page.Records!.length, 1);
    assert.equal((await streams.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator! }))).Records!.length, 0);
    streams.destroy();
  });
});

test('an iterator issued before a restart still reads after it: the secret is kept in the store', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-secret-'));
  const config = { ...DEFAULT_CONFIG, port: 0, dataDir, logLevel: 'silent' };
  try {
    let server = await startServer(config, createLogger('silent'));
    let ddb = clientFor(server.endpoint);
    const { arn, TableName } = await createStreamTable(ddb, 'restarted', 'KEYS_ONLY');
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
    let streams = streamsIn(server.endpoint, 'us-east-1');
    const iterator = await firstShardIterator(streams, arn);
    ddb.destroy();
    streams.destroy();
    await server.close();
    server = await startServer(config, createLogger('silent'));
    streams = streamsIn(server.endpoint, 'us-east-1');
    ddb = clientFor(server.endpoint);
    assert.equal((await streams.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records!.length, 1);
    streams.destroy();
    ddb.destroy();
    await server.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
