/**
 * boto3's dynamodbstreams client against the server with only the endpoint
 * set (region and credentials come from the environment, as for any boto3
 * user): ListStreams, DescribeStream, GetShardIterator and GetRecords, with
 * the records parsed by botocore's own model. Skipped without python3/boto3.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, externalEndpoint, uniqueName } from '../helpers/harness.js';
import { createStreamTable } from '../helpers/streams.js';

const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
const skip = probe.error !== undefined ? 'python3 is not installed' : probe.status !== 0 ? 'boto3 is not installed for python3' : externalEndpoint !== undefined;

// Reads the table's stream from TRIM_HORIZON and prints what a consumer would use.
const CONSUMER = `
import json, os, sys, boto3
streams = boto3.client('dynamodbstreams', endpoint_url=os.environ['ENDPOINT'])
listed = streams.list_streams(TableName=sys.argv[1])['Streams']
arn = listed[0]['StreamArn']
description = streams.describe_stream(StreamArn=arn)['StreamDescription']
out = {'arns': [s['StreamArn'] for s in listed], 'status': description['StreamStatus'], 'view': description['StreamViewType'], 'records': []}
for shard in description['Shards']:
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard['ShardId'], ShardIteratorType='TRIM_HORIZON')['ShardIterator']
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=2)
        for record in page['Records']:
            body = record['dynamodb']
            out['records'].append({
                'event': record['eventName'],
                'pk': body['Keys']['pk']['S'],
                'sequence': body['SequenceNumber'],
                'created': type(body['ApproximateCreationDateTime']).__name__,
                'new': body.get('NewImage'),
            })
        if not page['Records']:
            break
        iterator = page.get('NextShardIterator')
print(json.dumps(out))
`;

interface ConsumerOutput {
  arns: string[];
  status: string;
  view: string;
  records: { event: string; pk: string; sequence: string; created: string; new?: Record<string, unknown> }[];
}

describe("boto3's dynamodbstreams client", { skip }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', streamShardMaxRecords: 2 }, createLogger('silent'));
  });
  after(() => server.close());

  test('follows a stream across shards with only the endpoint set', async () => {
    const ddb = clientFor(server.endpoint);
    const { TableName, arn } = await createStreamTable(ddb, uniqueName('boto3_stream'), 'NEW_IMAGE');
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'b' }, n: { N: '2' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '3' } } }));
    await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'b' } } }));
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'c' }, n: { N: '4' } } }));
    ddb.destroy();

    // Asynchronously: the server answering boto3 runs in this process.
    const { stdout } = await promisify(execFile)('python3', ['-c', CONSUMER, TableName], {
      env: { ...process.env, ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_DEFAULT_REGION: 'us-east-1' },
    });
    const out = JSON.parse(stdout) as ConsumerOutput;
    assert.deepEqual(out.arns, [arn]);
    assert.equal(out.status, 'ENABLED');
    assert.equal(out.view, 'NEW_IMAGE');
    assert.deepEqual(out.records.map((r) => `${r.event} ${r.pk}`), ['INSERT a', 'INSERT b', 'MODIFY a', 'REMOVE b', 'INSERT c']);
    assert.deepEqual(out.records[2]!.new, { pk: { S: 'a' }, n: { N: '3' } });
    assert.ok(out.records.every((r) => r.created === 'datetime'));
    const sequences = out.records.map((r) => BigInt(r.sequence));
    assert.ok(sequences.every((s, i) => i === 0 || s > sequences[i - 1]!));
  });
});
