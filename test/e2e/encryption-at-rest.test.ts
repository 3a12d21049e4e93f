/**
 * Encryption at rest on LMDB and PostgreSQL through the AWS SDK: the bytes
 * the backend stores hold no item value of a table encrypted under a key of
 * --kms-key-file (and do hold those of a plain table, so the search can
 * fail); a rotation keeps items readable; a disabled key makes the table
 * INACCESSIBLE_ENCRYPTION_CREDENTIALS and its reads fail until it is back;
 * a backup of an encrypted table restores; a point-in-time restore and an
 * export of an encrypted table read its sealed history, and leave none of it
 * plain in the store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  CreateBackupCommand,
  DescribeBackupCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  GetItemCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { clientFor, uniqueName } from '../helpers/harness.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { createTable, errorOf, waitFor } from '../helpers/tables.js';

const KEY_ID = 'e2e-key';
const ARN = `arn:aws:kms:us-east-1:000000000000:key/${KEY_ID}`;

function writeKeys(file: string, material: Buffer, options: { enabled?: boolean; previous?: Buffer[] } = {}): void {
  const entry = { id: KEY_ID, material: material.toString('base64'), enabled: options.enabled ?? true, previous: (options.previous ?? []).map((m) => m.toString('base64')) };
  writeFileSync(file, JSON.stringify({ keys: [entry] }));
}

interface Backend {
  readonly name: string;
  config(dir: string): Promise<Partial<Config>>;
  /** Every stored value, as one buffer to search. */
  storedBytes(config: Partial<Config>): Promise<Buffer>;
}

const backends: Backend[] = [
  {
    name: 'lmdb',
    config: async (dir) => ({ dataDir: join(dir, 'data') }),
    storedBytes: async (config) => Buffer.concat(readdirSync(config.dataDir!).filter((f) => f.endsWith('.mdb')).map((f) => readFileSync(join(config.dataDir!, f)))),
  },
  ...(postgresUrl === undefined
    ? []
    : [
        {
          name: 'postgres',
          config: async () => ({ storageUrl: await freshPostgresUrl() }),
          storedBytes: async (config: Partial<Config>) => {
            const client = new pg.Client({ connectionString: config.storageUrl });
            await client.connect();
            try {
              const { rows } = await client.query<{ v: Buffer }>('SELECT v FROM dynalith_kv');
              return Buffer.concat(rows.map((row) => row.v));
            } finally {
              await client.end();
            }
          },
        },
      ]),
];

for (const backend of backends) {
  describe(`Encryption at rest (${backend.name})`, () => {
    let dir = '';
    let keyFile = '';
    let material = randomBytes(32);
    let config: Partial<Config> = {};
    let server: RunningServer;
    let ddb: DynamoDBClient;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'dynalith-sse-'));
      keyFile = join(dir, 'keys.json');
      writeKeys(keyFile, material);
      config = await backend.config(dir);
      mkdirSync(join(dir, 's3', 'exports'), { recursive: true });
      // No lag before the latest restorable time, so a restore can name a second just past.
      server = await startServer({ ...DEFAULT_CONFIG, port: 0, logLevel: 'silent', ...config, kmsKeyFile: keyFile, s3Dir: join(dir, 's3'), pitrLagMs: 0 }, createLogger('silent'));
      ddb = clientFor(server.endpoint);
    });
    after(async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const sse = { SSESpecification: { Enabled: true, SSEType: 'KMS' as const, KMSMasterKeyId: KEY_ID } };

    test('item values of an encrypted table are not in the stored bytes; a plain table\'s are', async () => {
      const secret = await createTable(ddb, 'secret', { hash: ['pk', 'S'], extra: sse });
      const plain = await createTable(ddb, 'plain');
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: secret }));
      assert.deepEqual(Table!.SSEDescription, { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: ARN });
      const hidden = `hidden-${randomBytes(6).toString('hex')}`;
      const visible = `visible-${randomBytes(6).toString('hex')}`;
      await ddb.send(new PutItemCommand({ TableName: secret, Item: { pk: { S: 'a' }, v: { S: hidden } } }));
      await ddb.send(new PutItemCommand({ TableName: plain, Item: { pk: { S: 'a' }, v: { S: visible } } }));
      const bytes = await backend.storedBytes(config);
      assert.ok(bytes.includes(visible), 'the plain table\'s value is stored as it is');
      assert.ok(!bytes.includes(hidden), 'the encrypted table\'s value is not');
      const { Item } = await ddb.send(new GetItemCommand({ TableName: secret, Key: { pk: { S: 'a' } } }));
      assert.equal(Item!.v!.S, hidden);
    });

    test('rotation keeps items readable; a disabled key makes the table inaccessible until it is back', async () => {
      const table = await createTable(ddb, 'rotated', { hash: ['pk', 'S'], extra: sse });
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, v: { S: 'before rotation' } } }));
      const next = randomBytes(32);
      writeKeys(keyFile, next, { previous: [material] });
      material = next;
      // Once re-wrapped, the old material can go: reads still work.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      writeKeys(keyFile, material);
      await waitFor('a read after rotation', () => ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } })).catch(() => undefined), (answer) => answer?.Item?.v?.S === 'before rotation');

      writeKeys(keyFile, material, { enabled: false });
      await waitFor('INACCESSIBLE_ENCRYPTION_CREDENTIALS', () => ddb.send(new DescribeTableCommand({ TableName: table })), (answer) => answer.Table?.TableStatus === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
      const error = await errorOf(() => ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } })));
      assert.equal(error.name, 'AccessDeniedException');
      writeKeys(keyFile, material);
      await waitFor('ACTIVE again', () => ddb.send(new DescribeTableCommand({ TableName: table })), (answer) => answer.Table?.TableStatus === 'ACTIVE');
      const { Item } = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
      assert.equal(Item!.v!.S, 'before rotation');
    });

    test('a backup of an encrypted table is encrypted and restores', async () => {
      const table = await createTable(ddb, 'backed', { hash: ['pk', 'S'], extra: sse });
      const hidden = `backup-${randomBytes(6).toString('hex')}`;
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, v: { S: hidden } } }));
      const { BackupDetails } = await ddb.send(new CreateBackupCommand({ TableName: table, BackupName: 'snap' }));
      await waitFor('the backup', () => ddb.send(new DescribeBackupCommand({ BackupArn: BackupDetails!.BackupArn! })), (a) => a.BackupDescription?.BackupDetails?.BackupStatus === 'AVAILABLE');
      const restored = uniqueName('restored');
      await ddb.send(new RestoreTableFromBackupCommand({ TargetTableName: restored, BackupArn: BackupDetails!.BackupArn! }));
      await waitFor('the restore', () => ddb.send(new DescribeTableCommand({ TableName: restored })), (a) => a.Table?.TableStatus === 'ACTIVE');
      const { Items } = await ddb.send(new ScanCommand({ TableName: restored }));
      assert.deepEqual(Items!.map((item) => item.v!.S), [hidden]);
      assert.ok(!(await backend.storedBytes(config)).includes(hidden), 'neither the table, its backup nor the restored table stores the value plainly');
    });

    test('a point-in-time restore and an export of an encrypted table read its sealed history', async () => {
      const TableName = await createTable(ddb, 'history', { hash: ['pk', 'S'], extra: sse });
      const tag = randomBytes(6).toString('hex');
      const [first, second] = [`first-${tag}`, `second-${tag}`];
      await ddb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { S: first } } }));
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const at = new Date();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { S: second } } }));

      const restored = uniqueName('then');
      await ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: restored, RestoreDateTime: at }));
      await waitFor('the restore', () => ddb.send(new DescribeTableCommand({ TableName: restored })), (a) => a.Table?.TableStatus === 'ACTIVE');
      const { Items } = await ddb.send(new ScanCommand({ TableName: restored }));
      assert.deepEqual(Items!.map((item) => item.v!.S), [first]);

      const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
      const { ExportDescription } = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: Table!.TableArn!, S3Bucket: 'exports', ExportTime: at }));
      const done = await waitFor('the export', () => ddb.send(new DescribeExportCommand({ ExportArn: ExportDescription!.ExportArn! })), (a) => a.ExportDescription?.ExportStatus !== 'IN_PROGRESS');
      assert.equal(done.ExportDescription!.ExportStatus, 'COMPLETED');
      const exported = readdirSync(join(dir, 's3', 'exports'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.json.gz'))
        .map((file) => gunzipSync(readFileSync(join(dir, 's3', 'exports', file))).toString())
        .join('');
      assert.ok(exported.includes(first) && !exported.includes(second), 'the export holds the item as it was at the time');

      const stored = await backend.storedBytes(config);
      assert.ok(!stored.includes(first) && !stored.includes(second), 'no version of the item, nor the restored table, is stored plainly');
    });
  });
}
