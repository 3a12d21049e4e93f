/**
 * Damaged data files (issue 12, point 5: a corrupted data file crashed the
 * server at start with SIGBUS/SIGSEGV, or was served silently). Start-up
 * refuses what it can see cheaply, a damaged value is refused when read, and
 * `dynalith check` finds the rest; none of it crashes a process. Tables
 * encrypted at rest are checked with --kms-key-file, and named as not
 * checked without it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { CreateTableCommand, GetItemCommand, PutItemCommand, ScanCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runChild, startChild, type ChildServer } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { FORMAT_VERSION_KEY, TABLE_RECORDS, indexPrefix, itemPrefix } from '../../src/engine/keyspace.js';
import { prefixEnd } from '../../src/model/key-codec.js';
import type { TableRecord } from '../../src/engine/table.js';

const PAGE = 4096;
const ITEMS = 300;

function args(dir: string): string[] {
  return ['--port', '0', '--data-dir', dir, '--log-level', 'silent'];
}

async function stop(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM');
  assert.equal(await server.exited(), 0);
}

/** A table keyed on `id` with a global index `byG` on `g`, and any other settings given. */
async function createIndexedTable(client: DynamoDBClient, TableName: string, extra: Partial<CreateTableCommandInput> = {}): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
      ...extra,
    }),
  );
}

/** A data dir holding a table with a global index and enough items for a tree of several pages. */
async function populated(): Promise<{ root: string; data: string }> {
  const root = mkdtempSync(join(tmpdir(), 'dynalith-damage-'));
  const data = join(root, 'data');
  const server = await startChild(args(data));
  const client = clientFor(server.endpoint);
  await createIndexedTable(client, 'kept');
  for (let i = 0; i < ITEMS; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        client.send(new PutItemCommand({ TableName: 'kept', Item: { id: { S: `item-${i + j}` }, g: { S: `g${(i + j) % 7}` }, text: { S: `marker-${i + j}-${'z'.repeat(200)}` } } })),
      ),
    );
  }
  client.destroy();
  await stop(server);
  return { root, data };
}

async function check(data: string) {
  return runChild(['check', '--data-dir', data]);
}

/**
 * The main tree's root page and the pages it points to, read from the newer
 * meta page (LMDB's layout: see src/storage/lmdb-file.ts). Old copies of pages
 * lie around in free pages too, so damage meant to be seen must hit these.
 */
function mainTree(file: string): { root: number; children: number[] } {
  const bytes = readFileSync(file);
  const meta = (pgno: number) => bytes.subarray(pgno * PAGE + 24);
  const newer = meta(1).readBigUInt64LE(128) > meta(0).readBigUInt64LE(128) ? meta(1) : meta(0);
  const root = Number(newer.readBigUInt64LE(72 + 40));
  const page = bytes.subarray(root * PAGE, (root + 1) * PAGE);
  assert.equal(page.readUInt16LE(18) & 0x01, 0x01, 'the root is a branch page');
  const children = Array.from({ length: page.readUInt16LE(20) >> 1 }, (_, i) => {
    const node = 24 + page.readUInt16LE(24 + 2 * i);
    return page.readUInt16LE(node) + page.readUInt16LE(node + 2) * 0x10000;
  });
  return { root, children };
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

describe('damaged data files', { skip: externalEndpoint !== undefined, timeout: 60_000 }, () => {
  test('a truncated data file: start-up refuses with one line, check reports it', async () => {
    const { root, data } = await populated();
    const file = join(data, 'data.mdb');
    assert.equal((await check(data)).code, 0);
    truncateSync(file, Math.floor(statSync(file).size / 2 / PAGE) * PAGE);
    const refused = await runChild(args(data));
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /^dynalith: the data file .*data\.mdb is damaged: main tree: page \d+ is referenced but the file ends at page \d+ \(truncated\)\n$/);
    const report = await check(data);
    assert.equal(report.code, 1, report.stdout);
    assert.match(report.stdout, /^damage: main tree: page \d+ is referenced but the file ends at page \d+ \(truncated\)$/m);
    assert.match(report.stdout, /problems? found: the data directory is damaged\.\n$/);

    truncateSync(file, PAGE);
    const tiny = await runChild(args(data));
    assert.equal(tiny.code, 2);
    assert.match(tiny.stderr, /^dynalith: the data file .* is damaged: it is 4096 bytes long, shorter than its two meta pages\n$/);
    rmSync(root, { recursive: true, force: true });
  });

  test('bytes overwritten in the middle: a damaged branch page refuses start-up, a damaged leaf page is found by check', async () => {
    const { root, data } = await populated();
    const file = join(data, 'data.mdb');
    const { root: branch, children } = mainTree(file);
    assert.ok(children.length > 2, `the root has ${children.length} children`);
    const original = readFileSync(file);

    const leaf = children[Math.floor(children.length / 2)]!;
    // Everything after its header: node offsets and nodes (free space in the middle of a page is never read).
    overwrite(file, leaf * PAGE + 24, Buffer.alloc(PAGE - 24, 0x5a));
    const report = await check(data);
    assert.equal(report.code, 1, report.stdout);
    assert.match(report.stdout, new RegExp(`^damage: main tree: (leaf page ${leaf}: |page ${leaf} is damaged)`, 'm'));

    overwrite(file, 0, original);
    assert.equal((await check(data)).code, 0);
    overwrite(file, branch * PAGE, Buffer.alloc(PAGE, 0xa5));
    const refused = await runChild(args(data));
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^dynalith: the data file .* is damaged: main tree: page ${branch} is damaged \\(its header names page \\d+\\)\\n$`));
    const again = await check(data);
    assert.equal(again.code, 1);
    assert.match(again.stdout, new RegExp(`^damage: main tree: page ${branch} is damaged`, 'm'));
    rmSync(root, { recursive: true, force: true });
  });

  test('a damaged stored value: reading it answers InternalServerError, other items are served, check names its key', async () => {
    const { root, data } = await populated();
    const file = join(data, 'data.mdb');
    const bytes = readFileSync(file);
    // The item's value, its index entry (projection ALL) and any older copy LMDB left in free pages.
    let found = 0;
    for (let at = bytes.indexOf('marker-42-'); at >= 0; at = bytes.indexOf('marker-42-', at + 1), found++) overwrite(file, at + 'marker-'.length, Buffer.from('99'));
    assert.ok(found >= 2);

    const server = await startChild(args(data));
    after(() => server.process.kill('SIGKILL'));
    const client = clientFor(server.endpoint);
    const failure = await client.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'item-42' } } })).then(
      () => undefined,
      (error: { name: string; message: string; $metadata: { httpStatusCode: number } }) => error,
    );
    assert.deepEqual(failure && [failure.name, failure.message, failure.$metadata.httpStatusCode], ['InternalServerError', 'Internal server error', 500]);
    const { Item } = await client.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'item-41' } } }));
    assert.equal(Item?.text?.S?.startsWith('marker-41-'), true);
    await assert.rejects(client.send(new ScanCommand({ TableName: 'kept' })), { name: 'InternalServerError' });
    client.destroy();
    await stop(server);

    const report = await check(data);
    assert.equal(report.code, 1, report.stdout);
    assert.match(report.stdout, /^damage: the value under [0-9a-f]+ fails its checksum$/m);
    rmSync(root, { recursive: true, force: true });
  });

  test('an index entry deleted behind the server’s back: check reports it and the counters', async () => {
    const { root, data } = await populated();
    const server = await startChild(args(data));
    after(() => server.process.kill('SIGKILL'));
    // Through the storage layer, while the server runs: LMDB lets two processes open one environment.
    const storage = await openLmdbStorage({ path: data });
    const index = await storage.read((tx) => {
      const [record] = [...tx.range(TABLE_RECORDS)].map(({ value }) => JSON.parse(new TextDecoder().decode(value)) as TableRecord);
      return record!.GlobalSecondaryIndexes[0]!;
    });
    const start = indexPrefix(index.id);
    await storage.write((tx) => {
      const [first] = [...tx.range({ start, end: prefixEnd(start)!, limit: 1 })];
      tx.delete(first!.key);
    });
    await storage.close();

    const refused = await check(data);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^dynalith check: data directory .* is in use by another Dynalith process \(pid \d+\); stop it before checking\n$/);
    await stop(server);

    const report = await check(data);
    assert.equal(report.code, 1, report.stdout);
    assert.match(report.stdout, /^damage: table kept \(us-east-1\), index byG: the entry of item \{"hash":\{"S":"item-\d+"\}\} is missing$/m);
    assert.match(report.stdout, new RegExp(`^damage: table kept \\(us-east-1\\), index byG: its entry counters say ${ITEMS} \\(\\d+ bytes\\), a recount finds ${ITEMS - 1} \\(\\d+ bytes\\)$`, 'm'));
    assert.match(report.stdout, /^2 problems found: the data directory is damaged\.$/m);
    rmSync(root, { recursive: true, force: true });
  });

  test('an encrypted table: checked with --kms-key-file, named as not checked without it; a sealed value moved under another key is damage', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dynalith-damage-'));
    const data = join(root, 'data');
    const keyFile = join(root, 'keys.json');
    writeFileSync(keyFile, JSON.stringify({ keys: [{ id: 'check-key', material: randomBytes(32).toString('base64') }] }));
    const server = await startChild([...args(data), '--kms-key-file', keyFile]);
    const client = clientFor(server.endpoint);
    await createIndexedTable(client, 'sealed', {
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'check-key' },
    });
    for (let i = 0; i < 30; i++) await client.send(new PutItemCommand({ TableName: 'sealed', Item: { id: { S: `item-${i}` }, g: { S: `g${i % 3}` } } }));
    client.destroy();
    await stop(server);

    const withKey = await runChild(['check', '--data-dir', data, '--kms-key-file', keyFile]);
    assert.equal(withKey.code, 0, withKey.stdout);
    assert.match(withKey.stdout, /^table sealed \(us-east-1\): 30 items, 1 indexes checked$/m);
    const without = await check(data);
    assert.equal(without.code, 2, without.stdout);
    assert.match(without.stdout, /^table sealed \(us-east-1\): encrypted under arn:aws:kms:us-east-1:\d+:key\/check-key, not given \(not checked\)$/m);
    assert.match(without.stdout, /^not checked: values sealed under arn:aws:kms:us-east-1:\d+:key\/check-key, which needs --kms-key-file$/m);
    assert.match(without.stdout, /^No damage found in what could be checked\.$/m);

    // One item's sealed bytes copied over another's: its checksum holds, its seal (bound to its key) does not.
    const storage = await openLmdbStorage({ path: data });
    const tableId = await storage.read((tx) => ([...tx.range(TABLE_RECORDS)].map(({ value }) => JSON.parse(new TextDecoder().decode(value)) as TableRecord)[0]!.id));
    const start = itemPrefix(tableId);
    await storage.write((tx) => {
      const [first, second] = [...tx.range({ start, end: prefixEnd(start)!, limit: 2 })];
      tx.put(second!.key, first!.value);
    });
    await storage.close();
    const moved = await runChild(['check', '--data-dir', data, '--kms-key-file', keyFile]);
    assert.equal(moved.code, 1, moved.stdout);
    assert.match(moved.stdout, /^damage: the sealed value under [0-9a-f]+ does not open \(altered, moved under another key, or sealed under another data key\)$/m);
    rmSync(root, { recursive: true, force: true });
  });

  test('a data dir written before values carried checksums is refused with its format', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dynalith-damage-'));
    // What an older build wrote: plain values, format 3.
    const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');
    const db = open<Uint8Array, Uint8Array>({ path: root, keyEncoding: 'binary', encoding: 'binary' });
    await db.put(FORMAT_VERSION_KEY, new TextEncoder().encode('3'));
    await db.close();
    const refused = await runChild(args(root));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^dynalith: the data directory was written in storage format 3; this build reads format 5\n$/);
    const checked = await check(root);
    assert.equal(checked.code, 2);
    assert.match(checked.stderr, /^dynalith check: the data directory was written in storage format 3; this build checks format 5\n$/);
    rmSync(root, { recursive: true, force: true });
  });

  test('check on a directory without data, and with a bad flag', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dynalith-damage-'));
    const empty = await check(root);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^dynalith check: .* holds no Dynalith data \(no data\.mdb\)\n$/);
    const bad = await runChild(['check', '--bogus']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    rmSync(root, { recursive: true, force: true });
  });
});
