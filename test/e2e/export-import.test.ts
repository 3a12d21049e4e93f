/**
 * An export imported back: a table holding every attribute type is exported
 * (DYNAMODB_JSON and ION) and each export's data files are imported into a
 * new table, which then holds identical items, with a working global index.
 * On every backend with buckets as folders; and through a real
 * S3-compatible server (s3rver behind a SigV4-checking front), driven once
 * with the AWS SDK and once with the operators' commands `dynalith export`
 * and `dynalith import`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ExportFormat,
} from '@aws-sdk/client-dynamodb';
import { Decimal } from 'decimal.js';
import { clientFor, describeEachBackend } from '../helpers/harness.js';
import { runChild, startChild, type ChildServer } from '../helpers/child-server.js';
import { startS3Server, S3RVER_CREDENTIALS, type TestS3Server } from '../helpers/s3-server.js';
import { waitFor } from '../helpers/tables.js';

type Item = Record<string, AttributeValue>;

const BUCKET = 'round-trip';
const s3Dir = mkdtempSync(join(tmpdir(), 'dynalith-export-import-'));
mkdirSync(join(s3Dir, BUCKET));
process.on('exit', () => rmSync(s3Dir, { recursive: true, force: true }));

/** Every attribute type, nested, with numbers and strings at their awkward edges. */
function items(): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < 120; i++) {
    out.push({
      pk: { S: `user#${i % 7}` },
      sk: { N: String(i) },
      text: { S: i % 3 === 0 ? 'ünïcödé "quoted", with\nnewline\tand tab' : `plain ${i}` },
      big: { N: i % 2 === 0 ? '12345678901234567890.123456789' : `-${i}.5E-20` },
      blob: { B: Uint8Array.from([0, 255, i % 256, 10, 13]) },
      flag: { BOOL: i % 2 === 0 },
      nothing: { NULL: true },
      tags: { SS: [`a${i}`, 'b', 'c d'] },
      scores: { NS: ['1', '-2.5', String(i + 100)] },
      blobs: { BS: [Uint8Array.from([1, 2]), Uint8Array.from([i % 256])] },
      list: { L: [{ S: 'x' }, { N: '0' }, { M: { deep: { L: [{ BOOL: false }, { NULL: true }] } } }] },
      map: { M: { name: { S: `n${i}` }, empty: { S: '' }, nested: { M: { n: { N: '1e3' } } } } },
      ...(i % 4 === 0 ? { gsiKey: { S: `group${i % 3}` } } : {}),
    });
  }
  return out;
}

const TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'N' as const },
    { AttributeName: 'gsiKey', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
  GlobalSecondaryIndexes: [{ IndexName: 'byGroup', KeySchema: [{ AttributeName: 'gsiKey', KeyType: 'HASH' as const }], Projection: { ProjectionType: 'ALL' as const } }],
};

/** Items in one order, numbers and sets compared as DynamoDB does (a set's order and a number's spelling are not kept). */
function normalised(list: Item[]): string[] {
  const value = (v: AttributeValue): unknown => {
    if (v.N !== undefined) return { N: new Decimal(v.N).toString() };
    if (v.B !== undefined) return { B: Buffer.from(v.B).toString('base64') };
    if (v.SS !== undefined) return { SS: [...v.SS].sort() };
    if (v.NS !== undefined) return { NS: v.NS.map((n) => new Decimal(n).toString()).sort() };
    if (v.BS !== undefined) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')).sort() };
    if (v.L !== undefined) return { L: v.L.map(value) };
    if (v.M !== undefined) return { M: Object.fromEntries(Object.entries(v.M).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, value(x)])) };
    return v;
  };
  return list.map((item) => JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, value(v)])))).sort();
}

async function scanAll(ddb: DynamoDBClient, TableName: string): Promise<Item[]> {
  const found: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    found.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return found;
}

/** A table with the items and PITR on (exports need it); returns its ARN. */
async function sourceTable(ddb: DynamoDBClient, TableName: string, written: Item[]): Promise<string> {
  await ddb.send(new CreateTableCommand({ TableName, ...TABLE_DEFINITION }));
  for (const Item of written) await ddb.send(new PutItemCommand({ TableName, Item }));
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  return (await ddb.send(new DescribeTableCommand({ TableName }))).Table!.TableArn!;
}

/** The key prefix of an export's data files, from its manifest's key (`<prefix>/AWSDynamoDB/<id>/manifest-summary.json`). */
function dataPrefix(manifestKey: string): string {
  return manifestKey.replace(/manifest-summary\.json$/, 'data/');
}

async function exportTable(ddb: DynamoDBClient, TableArn: string, ExportFormat: ExportFormat, S3Prefix: string): Promise<string> {
  const { ExportDescription } = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn, S3Bucket: BUCKET, S3Prefix, ExportFormat }));
  const { ExportDescription: done } = await waitFor(
    'the export',
    () => ddb.send(new DescribeExportCommand({ ExportArn: ExportDescription!.ExportArn! })),
    (answer) => answer.ExportDescription?.ExportStatus !== 'IN_PROGRESS',
  );
  assert.equal(done!.ExportStatus, 'COMPLETED', JSON.stringify(done));
  return dataPrefix(done!.ExportManifest!);
}

async function importInto(ddb: DynamoDBClient, TableName: string, InputFormat: ExportFormat, S3KeyPrefix: string): Promise<void> {
  const { ImportTableDescription } = await ddb.send(
    new ImportTableCommand({ S3BucketSource: { S3Bucket: BUCKET, S3KeyPrefix }, InputFormat, InputCompressionType: 'GZIP', TableCreationParameters: { TableName, ...TABLE_DEFINITION } }),
  );
  const { ImportTableDescription: done } = await waitFor(
    'the import',
    () => ddb.send(new DescribeImportCommand({ ImportArn: ImportTableDescription!.ImportArn! })),
    (answer) => answer.ImportTableDescription?.ImportStatus !== 'IN_PROGRESS',
  );
  assert.equal(done!.ImportStatus, 'COMPLETED', JSON.stringify(done));
  assert.equal(done!.ErrorCount, 0);
}

/** The imported table equals the source, and its global index answers. */
async function assertSameTable(ddb: DynamoDBClient, source: string, copy: string, written: Item[]): Promise<void> {
  const copied = await scanAll(ddb, copy);
  assert.equal(copied.length, written.length);
  assert.deepEqual(normalised(copied), normalised(await scanAll(ddb, source)));
  assert.deepEqual(normalised(copied), normalised(written));
  const { Items } = await ddb.send(new QueryCommand({ TableName: copy, IndexName: 'byGroup', KeyConditionExpression: 'gsiKey = :g', ExpressionAttributeValues: { ':g': { S: 'group0' } } }));
  assert.equal(Items!.length, written.filter((item) => item.gsiKey?.S === 'group0').length);
}

describeEachBackend(
  'an export imported into a new table',
  (target) => {
    for (const format of ['DYNAMODB_JSON', 'ION'] as const) {
      test(`${format}: identical items and a working index`, async () => {
        const { ddb } = target();
        const written = items();
        const source = `exported_${format.toLowerCase()}`;
        const TableArn = await sourceTable(ddb, source, written);
        const prefix = await exportTable(ddb, TableArn, format, `exports/${format}`);
        await importInto(ddb, `${source}_copy`, format, prefix);
        await assertSameTable(ddb, source, `${source}_copy`, written);
      });
    }
  },
  { config: { s3Dir, pitrLagMs: 0 } },
);

describe('an export imported back through an S3-compatible endpoint (s3rver)', () => {
  let s3: TestS3Server;
  let server: ChildServer;
  let ddb: DynamoDBClient;
  const credentialFlags = ['--s3-access-key-id', S3RVER_CREDENTIALS.accessKeyId, '--s3-secret-access-key', S3RVER_CREDENTIALS.secretAccessKey];

  before(async () => {
    s3 = await startS3Server([BUCKET]);
    server = await startChild(['--port', '0', '--in-memory', '--pitr-lag-ms', '0', '--log-level', 'warn', '--s3-endpoint', s3.endpoint, ...credentialFlags]);
    ddb = clientFor(server.endpoint);
  });
  after(async () => {
    ddb.destroy();
    server.process.kill('SIGTERM');
    await server.exited();
    await s3.stop();
  });

  test('with the AWS SDK', async () => {
    const written = items();
    const TableArn = await sourceTable(ddb, 'through_s3', written);
    const prefix = await exportTable(ddb, TableArn, 'DYNAMODB_JSON', 'sdk');
    await importInto(ddb, 'through_s3_copy', 'DYNAMODB_JSON', prefix);
    await assertSameTable(ddb, 'through_s3', 'through_s3_copy', written);
  });

  test('with `dynalith export` and `dynalith import` (plain lines when not on a terminal)', async () => {
    const written = items();
    await sourceTable(ddb, 'by_cli', written);
    const connection = ['--endpoint', server.endpoint];
    const exported = await runChild(['export', 'by_cli', '--bucket', BUCKET, '--prefix', 'cli', '--format', 'ION', ...connection]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(!exported.stdout.includes('\r'), 'no progress bar when piped');
    const manifest = /cli\/AWSDynamoDB\/[^/\s]+\/manifest-summary\.json/.exec(exported.stdout)?.[0];
    assert.ok(manifest !== undefined, `the export's manifest is named: ${exported.stdout}`);
    const imported = await runChild([
      'import',
      '--bucket',
      BUCKET,
      '--prefix',
      dataPrefix(manifest),
      '--format',
      'ION',
      '--compression',
      'GZIP',
      '--table',
      'by_cli_copy',
      '--key',
      'pk:S,sk:N',
      ...connection,
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    const copied = await scanAll(ddb, 'by_cli_copy');
    assert.deepEqual(normalised(copied), normalised(written));
  });
});
