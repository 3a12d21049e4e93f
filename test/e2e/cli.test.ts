import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand, CreateTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { FORMAT_VERSION_KEY } from '../../src/engine/keyspace.js';
import { FORMAT_VERSION } from '../../src/engine/catalog.js';
import { request as httpRequest } from 'node:http';
import { runChild, startChild } from '../helpers/child-server.js';
import { FAKE_AUTHORIZATION } from '../helpers/raw.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';

describe('dynalith command', { skip: externalEndpoint !== undefined }, () => {
  test('--help and --version', async () => {
    const help = await runChild(['--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--host', '--port', '--data-dir', '--in-memory', '--log-level', '--create-table-ms', '--delete-table-ms', '--update-table-ms', '--item-collection-limit-bytes', '--storage', '--workers', '--capacity', '--burst-seconds', '--metrics', '--metrics-flush-ms', '--metrics-retention-ms', '--alarm-interval-ms', '--alarm-webhook', '--scaling-period-ms', '--auth', '--credentials', '--allow-anonymous']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
    const version = await runChild(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^dynalith \d+\.\d+\.\d+\n$/);
  });

  test('a bad flag is one line on stderr and exit code 2', async () => {
    for (const args of [
      ['--bogus'],
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['--log-level', 'loud'],
      ['--create-table-ms', '-5'],
      ['--workers', '0'],
      ['--workers', 'many'],
      ['--workers', '2', '--in-memory'],
      ['--storage', 'mysql://localhost/db'],
      ['--storage', 'postgres://localhost/db', '--in-memory'],
      ['--capacity', 'strict'],
      ['--burst-seconds', 'lots'],
      ['--burst-seconds', '99999'],
      ['--metrics', 'maybe'],
      ['--metrics-flush-ms', 'often'],
      ['--alarm-webhook', 'not a url'],
      ['--alarm-webhook', 'ftp://example.com/hook'],
      ['--auth', 'sometimes'],
      ['--auth', 'none', '--credentials', 'file'],
      ['--auth', 'verify', '--credentials', 'file', '--allow-anonymous'],
      ['--host', '::', '--in-memory'],
      ['--host', '192.168.1.10', '--in-memory'],
      ['--scaling-period-ms', '-1x'],
    ]) {
      const result = await runChild(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
    const fromEnv = await runChild([], { DYNALITH_PORT: 'nope' });
    assert.equal(fromEnv.code, 2);
  });

  test('--workers: a second server on the same data dir is refused while the workers serve; a worker port in use fails the start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-cli-'));
    const server = await startChild(['--workers', '2', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent']);
    assert.match(server.output(), /2 workers/);
    const second = await runChild(['--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent']);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /in use/);
    const port = new URL(server.endpoint).port;
    const clash = await runChild(['--workers', '2', '--port', port, '--data-dir', join(dir, 'other'), '--log-level', 'silent']);
    assert.equal(clash.code, 2);
    assert.equal(clash.stderr.trim().split('\n').length, 1, clash.stderr);
    server.process.kill('SIGTERM');
    assert.equal(await server.exited(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a port in use is one line and exit code 2', async () => {
    const first = await startChild(['--in-memory', '--port', '0', '--log-level', 'silent']);
    const port = new URL(first.endpoint).port;
    const second = await runChild(['--in-memory', '--port', port, '--log-level', 'silent']);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /^dynalith: .*EADDRINUSE.*\n$/);
    first.process.kill('SIGTERM');
    assert.equal(await first.exited(), 0);
  });

  test('an unusable data dir is one line and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-cli-'));
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const result = await runChild(['--data-dir', join(file, 'sub'), '--port', '0']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^dynalith: /);
    rmSync(dir, { recursive: true, force: true });
  });

  test('environment variables configure it, it prints its endpoint, and SIGTERM stops it cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-cli-'));
    const server = await startChild([], { DYNALITH_PORT: '0', DYNALITH_DATA_DIR: join(dir, 'data'), DYNALITH_LOG_LEVEL: 'silent' });
    assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = clientFor(server.endpoint);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    assert.deepEqual(TableNames, []);
    client.destroy();
    assert.ok(existsSync(join(dir, 'data')));
    server.process.kill('SIGTERM');
    assert.equal(await server.exited(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  test('--in-memory writes nothing to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-cli-'));
    const server = await startChild(['--in-memory', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent']);
    server.process.kill('SIGINT');
    assert.equal(await server.exited(), 0);
    assert.deepEqual(readdirSync(dir), []);
    rmSync(dir, { recursive: true, force: true });
  });

  test('data survives a restart, and a data dir of another storage format is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-cli-'));
    const data = join(dir, 'data');
    const args = ['--port', '0', '--data-dir', data, '--log-level', 'silent'];
    const first = await startChild(args);
    const client = clientFor(first.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: 'kept',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(new PutItemCommand({ TableName: 'kept', Item: { id: { S: 'a' }, n: { N: '1.50' } } }));
    client.destroy();
    first.process.kill('SIGTERM');
    assert.equal(await first.exited(), 0);

    const second = await startChild(args);
    const again = clientFor(second.endpoint);
    const { Item } = await again.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'a' } } }));
    assert.deepEqual(Item, { id: { S: 'a' }, n: { N: '1.5' } });
    again.destroy();
    second.process.kill('SIGTERM');
    assert.equal(await second.exited(), 0);

    const storage = await openLmdbStorage({ path: data });
    await storage.write((tx) => tx.put(FORMAT_VERSION_KEY, new TextEncoder().encode('999')));
    await storage.close();
    const refused = await runChild(args);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`storage format 999.*format ${FORMAT_VERSION}$`, 'm'));
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGTERM lets requests in flight finish before it exits', async () => {
    const server = await startChild(['--in-memory', '--port', '0', '--log-level', 'silent']);
    const client = clientFor(server.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: 'busy',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
    // Requests whose bodies are still arriving when the signal comes must be completed and answered.
    const url = new URL(server.endpoint);
    const pending = Array.from({ length: 3 }, (_, i) => {
      const body = Buffer.from(JSON.stringify({ TableName: 'busy', Item: { id: { S: `k${i}` }, pad: { S: 'x'.repeat(1000) } } }));
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.PutItem',
          Authorization: FAKE_AUTHORIZATION,
          'Content-Length': String(body.length),
        },
      });
      const answer = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
      });
      req.write(body.subarray(0, 100));
      return { req, rest: body.subarray(100), answer };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { req, rest } of pending) req.end(rest);
    assert.deepEqual(await Promise.all(pending.map((p) => p.answer)), [200, 200, 200]);
    assert.equal(await server.exited(), 0);
  });
});
