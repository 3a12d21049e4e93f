/**
 * `dynalith backup` and `dynalith restore` as an operator runs them: the
 * command against a real server process (LMDB), with its output piped (no
 * terminal: plain lines, no \r), checked through the AWS SDK; failures
 * (an unknown table, a table that exists) end with exit code 1 and the
 * server's error; bad command lines with exit code 2.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeBackupCommand, DescribeTableCommand, ScanCommand, UpdateContinuousBackupsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runChild, startChild, type ChildServer } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';
import { createTable, putMany } from '../helpers/tables.js';

describe('dynalith backup and restore (operators\' commands)', { skip: externalEndpoint !== undefined }, () => {
  let server: ChildServer;
  let ddb: DynamoDBClient;
  let dataDir: string;
  let table: string;
  const ITEMS = 120;
  const run = (args: string[]) => runChild([...args, '--endpoint', server.endpoint]);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dynalith-operator-'));
    server = await startChild(['--port', '0', '--data-dir', dataDir, '--log-level', 'silent', '--pitr-lag-ms', '0']);
    ddb = clientFor(server.endpoint);
    table = await createTable(ddb, 'operator');
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    await putMany(ddb, table, ITEMS, (i) => ({ pk: { S: `item-${i}` }, n: { N: String(i) } }));
  });

  after(async () => {
    ddb.destroy();
    server.process.kill('SIGTERM');
    await server.exited();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function scanCount(name: string): Promise<number> {
    return (await ddb.send(new ScanCommand({ TableName: name, Select: 'COUNT' }))).Count ?? 0;
  }

  let backupArn: string;

  test('backup <table> waits until the backup is AVAILABLE and prints its ARN; piped, progress is plain lines', async () => {
    const result = await run(['backup', table, '--name', 'nightly-1']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.ok(!result.stdout.includes('\r'), 'no terminal: no rewritten line');
    const lines = result.stdout.trimEnd().split('\n');
    backupArn = lines.at(-1)!;
    assert.match(backupArn, new RegExp(`^arn:aws:dynamodb:us-east-1:\\d{12}:table/${table}/backup/`));
    assert.ok(lines.includes(`backup nightly-1 of ${table}: AVAILABLE ${ITEMS} items`), result.stdout);
    for (const line of lines.slice(0, -1)) assert.match(line, /^backup nightly-1 of \S+: (CREATING|AVAILABLE)/);
    const described = await ddb.send(new DescribeBackupCommand({ BackupArn: backupArn }));
    assert.equal(described.BackupDescription?.BackupDetails?.BackupStatus, 'AVAILABLE');
    assert.equal(described.BackupDescription?.BackupDetails?.BackupName, 'nightly-1');
  });

  test('backup --list shows it, tab-separated; --table filters', async () => {
    const all = await run(['backup', '--list']);
    assert.equal(all.code, 0, all.stderr);
    const row = all.stdout.split('\n').find((line) => line.startsWith(backupArn));
    assert.ok(row, all.stdout);
    const [, name, source, status, created] = row.split('\t');
    assert.deepEqual([name, source, status], ['nightly-1', table, 'AVAILABLE']);
    assert.ok(!Number.isNaN(Date.parse(created!)));
    const other = await run(['backup', '--list', '--table', 'no_such_table_here']);
    assert.equal(other.code, 0, other.stderr);
    assert.equal(other.stdout, '');
  });

  test('restore --backup gives a table with the backup\'s items, counted up to 100%', async () => {
    const target = `${table}_restored`;
    const result = await run(['restore', '--backup', backupArn, '--to', target]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), `arn:aws:dynamodb:us-east-1:000000000000:table/${target}`);
    assert.ok(lines.includes(`restore into ${target}: ACTIVE ${ITEMS}/${ITEMS} items 100%`), result.stdout);
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus, 'ACTIVE');
    assert.equal(await scanCount(target), ITEMS);
  });

  test('restore --from <table> --latest restores point-in-time recovery\'s latest moment', async () => {
    const target = `${table}_pitr`;
    const result = await run(['restore', '--from', table, '--to', target, '--latest']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`restore into ${target}: ACTIVE ${ITEMS} items\\n`));
    assert.equal(await scanCount(target), ITEMS);
  });

  test('failures end with exit code 1 and the server\'s error type and message', async () => {
    const unknown = await run(['backup', 'no_such_table_xyz']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^dynalith backup: TableNotFoundException: .*no_such_table_xyz/);
    const exists = await run(['restore', '--backup', backupArn, '--to', table]);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /^dynalith restore: TableAlreadyExistsException: /);
    const missingBackup = await run(['backup', '--delete', `${backupArn}0`]);
    assert.equal(missingBackup.code, 1);
    assert.match(missingBackup.stderr, /^dynalith backup: (BackupNotFoundException|ValidationException): /);
  });

  test('backup --delete deletes it', async () => {
    const result = await run(['backup', '--delete', backupArn]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `deleted ${backupArn}\n`);
    const listed = await run(['backup', '--list', '--table', table]);
    assert.ok(!listed.stdout.includes(backupArn));
  });

  test('a server that cannot be reached: exit code 1; a bad command line: exit code 2 and a pointer to --help', async () => {
    const unreachable = await runChild(['backup', table, '--endpoint', 'http://127.0.0.1:1']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^dynalith backup: ConnectionError: could not reach http:\/\/127\.0\.0\.1:1/);
    const bad = await run(['restore', '--to', 'x']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'dynalith restore: give either --backup <ARN> or --from <table> (see dynalith restore --help)\n');
    const help = await runChild(['export', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: dynalith export <table> --bucket <bucket>/);
  });
});
