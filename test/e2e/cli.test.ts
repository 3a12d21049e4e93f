import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { runChild, startChild } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';

describe('dynalith command', { skip: externalEndpoint !== undefined }, () => {
  test('--help and --version', async () => {
    const help = await runChild(['--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--host', '--port', '--data-dir', '--in-memory', '--log-level', '--create-table-ms', '--delete-table-ms', '--update-table-ms']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
    const version = await runChild(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^dynalith \d+\.\d+\.\d+\n$/);
  });

  test('a bad flag is one line on stderr and exit code 2', async () => {
    for (const args of [['--bogus'], ['--port', 'eighty'], ['--port', '70000'], ['--log-level', 'loud'], ['--create-table-ms', '-5']]) {
      const result = await runChild(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
    const fromEnv = await runChild([], { DYNALITH_PORT: 'nope' });
    assert.equal(fromEnv.code, 2);
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
});
