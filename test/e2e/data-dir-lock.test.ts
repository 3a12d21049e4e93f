/**
 * One server per data directory: a second process refuses to start, the
 * first keeps serving, and a killed holder leaves nothing that blocks the
 * next start (issue 12, point 1: two servers on one --data-dir lost
 * acknowledged tables).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { CreateTableCommand, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { runChild, startChild, type ChildServer } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';

const IN_USE = /^dynalith: data directory .* is in use by another Dynalith process \(pid (\d+)\); a second server on it would lose data\n$/;

function serverArgs(dataDir: string): string[] {
  return ['--port', '0', '--data-dir', dataDir, '--log-level', 'silent'];
}

async function createKeptTable(server: ChildServer, name: string): Promise<void> {
  const client = clientFor(server.endpoint);
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'a' }, v: { N: '1' } } }));
  client.destroy();
}

async function tableNames(server: ChildServer): Promise<string[]> {
  const client = clientFor(server.endpoint);
  const { TableNames } = await client.send(new ListTablesCommand({}));
  client.destroy();
  return TableNames ?? [];
}

async function stop(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM');
  assert.equal(await server.exited(), 0);
}

/** A lock file left by a process that died: a socket bound in the directory by a child killed with SIGKILL. */
async function leaveDeadLock(dataDir: string): Promise<void> {
  const path = JSON.stringify(join(dataDir, 'dynalith.lock'));
  const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${path}, () => console.log('ready'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(join(dataDir, 'dynalith.lock')));
}

describe('data directory lock', { skip: externalEndpoint !== undefined }, () => {
  test('a second server on the same data dir refuses to start; the first keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-lock-'));
    const data = join(dir, 'data');
    const first = await startChild(serverArgs(data));
    await createKeptTable(first, 'first');

    const second = await runChild(serverArgs(data));
    assert.equal(second.code, 2);
    const [, pid] = IN_USE.exec(second.stderr) ?? assert.fail(second.stderr);
    assert.equal(Number(pid), first.process.pid);
    // Also through the environment variable, and by another path to the same directory.
    symlinkSync(data, join(dir, 'link'));
    for (const other of [`${dir}/./data/`, join(dir, 'link')]) {
      const third = await runChild(['--port', '0', '--log-level', 'silent'], { DYNALITH_DATA_DIR: other });
      assert.equal(third.code, 2, other);
      assert.match(third.stderr, IN_USE);
    }

    await createKeptTable(first, 'second');
    assert.deepEqual(await tableNames(first), ['first', 'second']);
    await stop(first);

    const again = await startChild(serverArgs(data));
    assert.deepEqual(await tableNames(again), ['first', 'second']);
    await stop(again);
    rmSync(dir, { recursive: true, force: true });
  });

  test('kill -9 of the holder: the next server starts and has every acknowledged table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-lock-'));
    const first = await startChild(serverArgs(dir));
    await createKeptTable(first, 'kept');
    first.process.kill('SIGKILL');
    await first.exited();
    assert.ok(existsSync(join(dir, 'dynalith.lock')), 'the killed holder left its lock file');

    const next = await startChild(serverArgs(dir));
    assert.deepEqual(await tableNames(next), ['kept']);
    const client = clientFor(next.endpoint);
    const { Item } = await client.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'a' } } }));
    assert.deepEqual(Item, { id: { S: 'a' }, v: { N: '1' } });
    client.destroy();
    // ...and now holds the lock itself.
    assert.equal((await runChild(serverArgs(dir))).code, 2);
    await stop(next);
    assert.equal(existsSync(join(dir, 'dynalith.lock')), false, 'a clean stop removes the lock file');
    rmSync(dir, { recursive: true, force: true });
  });

  test('servers started at once on one data dir: exactly one runs, also over a dead holder’s lock', async () => {
    for (const stale of [false, true]) {
      const dir = mkdtempSync(join(tmpdir(), 'dynalith-lock-'));
      if (stale) await leaveDeadLock(dir);
      const attempts = await Promise.all(
        Array.from({ length: 4 }, () =>
          startChild(serverArgs(dir)).then(
            (server) => ({ server }),
            (error: Error) => ({ error }),
          ),
        ),
      );
      const running = attempts.flatMap((a) => ('server' in a ? [a.server] : []));
      const refused = attempts.flatMap((a) => ('error' in a ? [a.error.message] : []));
      assert.equal(running.length, 1, `stale lock ${stale}: ${refused.join(' | ')}`);
      for (const message of refused) assert.match(message, /exited with 2 before listening: dynalith: data directory .* is in use by another Dynalith process/);
      await stop(running[0]!);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a data dir whose path is too long for a socket address is locked all the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-lock-'));
    const data = join(dir, 'a-rather-long-directory-name'.repeat(5), 'data');
    mkdirSync(data, { recursive: true });
    const first = await startChild(serverArgs(data));
    const second = await runChild(serverArgs(data));
    assert.equal(second.code, 2);
    assert.match(second.stderr, IN_USE);
    await stop(first);
    assert.equal((await startChild(serverArgs(data)).then(stop)), undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('something else listening on the lock path counts as a holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-lock-'));
    const squatter = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => squatter.listen(join(dir, 'dynalith.lock'), resolve));
    const refused = await runChild(serverArgs(dir));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^dynalith: data directory .* is in use by another Dynalith process; a second server on it would lose data\n$/);
    await new Promise((resolve) => squatter.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
});
