/**
 * Encryption at rest on LMDB and PostgreSQL through the AWS SDK: the bytes
 * the backend stores hold no item value of a table encrypted under a key of
 * --kms-key-file (and do hold those of a plain table, so the search can
 * fail); a rotation keeps items readable; a disabled key makes the table
 * INACCESSIBLE_ENCRYPTION_CREDENTIALS and its reads fail until it is back;
 * a backup of an encrypted table restores.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  CreateBackupCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  ScanCommand,
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
      server = await startServer({ ...DEFAULT_CONFIG, port: 0, logLevel: 'silent', ...config, kmsKeyFile: keyFile }, createLogger('silent'));
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
  });
}
