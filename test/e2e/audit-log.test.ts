/**
 * The audit log through the real SDK: one CloudTrail record per call, data
 * events only when asked, rotation by size, a log that cannot be written
 * never failing a call, and --workers processes appending whole lines to one
 * file. The log is independent of the store, so these run in memory (and on
 * LMDB for --workers, which needs a shared store).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, GetItemCommand, ListTablesCommand, PutItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { startServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { clientFor, externalEndpoint, uniqueName } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';
import { startChild } from '../helpers/child-server.js';

type Line = Record<string, unknown> & { eventName: string; requestID: string; requestParameters: Record<string, unknown> };

const skip = externalEndpoint !== undefined;

function linesOf(text: string): Line[] {
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
}

async function withServer<T>(settings: Partial<Config>, use: (endpoint: string) => Promise<T>): Promise<T> {
  const server = await startServer({ ...DEFAULT_CONFIG, inMemory: true, port: 0, ...settings }, createLogger('silent'));
  try {
    return await use(server.endpoint);
  } finally {
    // Closing flushes the log: every call is in the file afterwards.
    await server.close();
  }
}

const TABLE = (name: string) => ({
  TableName: name,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
});

describe('audit log', { skip }, () => {
  test('one record per management call with its request id, parameters, resources and errors; no data events by default', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-e2e-')), 'audit.log');
    const name = uniqueName('audited');
    const ids: Record<string, string> = {};
    await withServer({ auditLog: path }, async (endpoint) => {
      const ddb = clientFor(endpoint);
      ids.CreateTable = (await ddb.send(new CreateTableCommand(TABLE(name)))).$metadata.requestId!;
      ids.DescribeTable = (await ddb.send(new DescribeTableCommand({ TableName: name }))).$metadata.requestId!;
      await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'k' }, secret: { S: 'SECRET-VALUE' } } }));
      await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'k' } } }));
      ids.UpdateTable = (await ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }))).$metadata.requestId!;
      const missing = await errorOf(() => ddb.send(new DescribeTableCommand({ TableName: `${name}_missing` })));
      assert.equal(missing.name, 'ResourceNotFoundException');
      ids.Missing = (missing.$metadata as { requestId: string }).requestId;
      ids.DeleteTable = (await ddb.send(new DeleteTableCommand({ TableName: name }))).$metadata.requestId!;
    });
    const lines = linesOf(readFileSync(path, 'utf8'));
    assert.deepEqual(lines.map((line) => line.eventName), ['CreateTable', 'DescribeTable', 'UpdateTable', 'DescribeTable', 'DeleteTable']);
    assert.deepEqual(lines.map((line) => line.requestID), [ids.CreateTable, ids.DescribeTable, ids.UpdateTable, ids.Missing, ids.DeleteTable]);
    const [create, describeOk, update, missing, remove] = lines as [Line, Line, Line, Line, Line];
    for (const line of lines) {
      assert.equal(line.eventSource, 'dynamodb.amazonaws.com');
      assert.equal(line.eventType, 'AwsApiCall');
      assert.equal(line.managementEvent, true);
      assert.equal(line.awsRegion, 'us-east-1');
      assert.match(String(line.eventTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(String(line.sourceIPAddress), /127\.0\.0\.1/);
      assert.match(String(line.userAgent), /aws-sdk-js/);
      assert.equal((line.userIdentity as { accessKeyId: string }).accessKeyId, 'AKIDTEST');
    }
    assert.deepEqual(create.requestParameters.keySchema, [{ attributeName: 'pk', keyType: 'HASH' }]);
    assert.equal((create.responseElements as { tableDescription: { tableName: string } }).tableDescription.tableName, name);
    assert.deepEqual(create.resources, [{ accountId: DEFAULT_CONFIG.account, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:us-east-1:${DEFAULT_CONFIG.account}:table/${name}` }]);
    assert.equal(create.readOnly, false);
    assert.equal(describeOk.readOnly, true);
    assert.equal(describeOk.responseElements, null);
    assert.equal(describeOk.errorCode, undefined);
    assert.deepEqual(update.requestParameters.provisionedThroughput, { readCapacityUnits: 5, writeCapacityUnits: 5 });
    assert.equal(missing.errorCode, 'ResourceNotFoundException');
    assert.match(String(missing.errorMessage), /not found/);
    assert.equal(remove.requestParameters.tableName, name);
    assert.equal(new Set(lines.map((line) => line.eventID)).size, 5);
  });

  test('with --audit-data-events item calls are logged with their keys and attribute names, never their values; boto3 shows as its user agent', async (t) => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-e2e-')), 'audit.log');
    const name = uniqueName('audited');
    const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
    const boto3 = probe.error === undefined && probe.status === 0;
    await withServer({ auditLog: path, auditDataEvents: true }, async (endpoint) => {
      const ddb = clientFor(endpoint);
      await ddb.send(new CreateTableCommand(TABLE(name)));
      await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'k1' }, secret: { S: 'SECRET-VALUE' } } }));
      await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'k1' } } }));
      if (!boto3) return t.diagnostic('boto3 is not installed for python3: its call is not checked');
      const script = `import boto3, os\nboto3.client('dynamodb', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id='AKIDBOTO', aws_secret_access_key='x').list_tables()`;
      await promisify(execFile)('python3', ['-c', script], { env: { ...process.env, ENDPOINT: endpoint } });
    });
    const text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, /SECRET-VALUE/);
    const lines = linesOf(text);
    assert.deepEqual(lines.map((line) => line.eventName), ['CreateTable', 'PutItem', 'GetItem', ...(boto3 ? ['ListTables'] : [])]);
    const [, put, get] = lines as [Line, Line, Line];
    assert.deepEqual(put.requestParameters, { tableName: name, item: ['pk', 'secret'], key: { pk: 'k1' } });
    assert.equal(put.eventCategory, 'Data');
    assert.equal(put.managementEvent, false);
    assert.equal(put.responseElements, null);
    assert.deepEqual(get.requestParameters, { tableName: name, key: { pk: 'k1' } });
    assert.equal(get.readOnly, true);
    if (boto3) {
      const list = lines[3]!;
      assert.match(String(list.userAgent), /Boto3\//);
      assert.equal((list.userIdentity as { accessKeyId: string }).accessKeyId, 'AKIDBOTO');
    }
  });

  test('the log rotates by size and keeps --audit-log-files old files, every line whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    const path = join(dir, 'audit.log');
    const calls = 40;
    await withServer({ auditLog: path, auditLogMaxBytes: 4000, auditLogFiles: 20 }, async (endpoint) => {
      const ddb = clientFor(endpoint);
      for (let i = 0; i < calls; i++) await ddb.send(new ListTablesCommand({}));
    });
    const files = readdirSync(dir).filter((file) => file.startsWith('audit.log'));
    assert.ok(files.length > 2, files.join());
    let count = 0;
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.ok(Buffer.byteLength(text) <= 4000);
      count += linesOf(text).filter((line) => line.eventName === 'ListTables').length;
    }
    assert.equal(count, calls);
  });

  test('a log that cannot be written never fails or holds up a call', async () => {
    // A directory: every open for appending fails.
    const path = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    const server = await startServer({ ...DEFAULT_CONFIG, inMemory: true, port: 0, auditLog: path }, createLogger('silent'));
    try {
      const ddb = clientFor(server.endpoint);
      const name = uniqueName('unlogged');
      await ddb.send(new CreateTableCommand(TABLE(name)));
      for (let i = 0; i < 20; i++) assert.equal((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableName, name);
    } finally {
      await server.close();
    }
  });

  test('--workers 2 append whole lines from both processes to one file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    const path = join(dir, 'audit.log');
    const child = await startChild(['--port', '0', '--data-dir', join(dir, 'data'), '--workers', '2', '--audit-log', path, '--log-level', 'warn']);
    const calls = 200;
    try {
      // Separate clients, separate connections: the kernel spreads them over both workers.
      const clients = Array.from({ length: 8 }, () => clientFor(child.endpoint));
      await Promise.all(clients.map(async (ddb, c) => {
        for (let i = c; i < calls; i += clients.length) await ddb.send(new ListTablesCommand({ Limit: 1 + (i % 50) }));
      }));
    } finally {
      child.process.kill('SIGTERM');
      assert.equal(await child.exited(), 0);
    }
    const lines = linesOf(readFileSync(path, 'utf8'));
    assert.equal(lines.length, calls);
    assert.deepEqual(new Set(lines.map((line) => line.requestParameters.limit)).size, 50);
  });
});
