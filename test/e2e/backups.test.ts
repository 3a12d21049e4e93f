/**
 * On-demand backups through the AWS SDK on every backend: CreateBackup,
 * DescribeBackup, ListBackups (filters and paging), DeleteBackup and
 * RestoreTableFromBackup with their errors; a backup taken while writes go on
 * holds the table of one moment (also when copied in several chunks while
 * transactions move value between items); a second backup while one is being
 * created, and deleting its table, are refused; a restore gives the same items and a working
 * global index under the new name, with overrides; backups outlive a restart
 * (LMDB) and a restore killed with SIGKILL finishes after the restart;
 * `dynalith check` knows what backups store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  ListBackupsCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type BackupSummary,
  type DynamoDBClient,
  type ListBackupsCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { clientFor, describeEachBackend, uniqueName } from '../helpers/harness.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openStorage, startServer, type RunningServer } from '../../src/server/dynalith.js';
import { BACKUP_PREFIX } from '../../src/engine/keyspace.js';
import type { Storage } from '../../src/storage/storage.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { createTable, errorOf, putMany, queryAll, waitFor, type SimpleTable } from '../helpers/tables.js';
import { killAndRestart, runChild, startChild } from '../helpers/child-server.js';

const ARN = /^arn:aws:dynamodb:us-east-1:\d{12}:table\/[^/]+\/backup\/\d{14}-[0-9a-f]{8}$/;

async function backup(ddb: DynamoDBClient, TableName: string, BackupName = 'snap'): Promise<string> {
  const { BackupDetails } = await ddb.send(new CreateBackupCommand({ TableName, BackupName }));
  return BackupDetails!.BackupArn!;
}

async function available(ddb: DynamoDBClient, BackupArn: string) {
  const { BackupDescription } = await waitFor(
    'the backup',
    () => ddb.send(new DescribeBackupCommand({ BackupArn })),
    (answer) => answer.BackupDescription?.BackupDetails?.BackupStatus === 'AVAILABLE',
  );
  return BackupDescription!;
}

async function activeTable(ddb: DynamoDBClient, TableName: string): Promise<TableDescription> {
  const { Table } = await waitFor('the restored table', () => ddb.send(new DescribeTableCommand({ TableName })), (answer) => answer.Table?.TableStatus === 'ACTIVE');
  return Table!;
}

async function scanAll(ddb: DynamoDBClient, TableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

const byPk = (a: Record<string, AttributeValue>, b: Record<string, AttributeValue>) => (a.pk!.S! < b.pk!.S! ? -1 : a.pk!.S! > b.pk!.S! ? 1 : 0);

async function listAll(ddb: DynamoDBClient, input: ListBackupsCommandInput): Promise<{ summaries: BackupSummary[]; pages: number }> {
  const summaries: BackupSummary[] = [];
  let ExclusiveStartBackupArn: string | undefined;
  let pages = 0;
  do {
    const page = await ddb.send(new ListBackupsCommand({ ...input, ExclusiveStartBackupArn }));
    summaries.push(...(page.BackupSummaries ?? []));
    ExclusiveStartBackupArn = page.LastEvaluatedBackupArn;
    pages++;
  } while (ExclusiveStartBackupArn !== undefined);
  return { summaries, pages };
}

const WITH_GSI: SimpleTable = { hash: ['pk', 'S'], indexes: [{ name: 'byG', hash: ['g', 'N'] }] };

describeEachBackend('on-demand backups', (target) => {
  test('a backup describes its table and items, lists with filters and pages, and goes when deleted', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bk', WITH_GSI);
    const other = await createTable(ddb, 'bkother');
    await putMany(ddb, TableName, 30, (i) => ({ pk: { S: `k${i}` }, g: { N: String(i % 3) }, pad: { S: 'x'.repeat(i) } }));
    const { BackupDetails } = await ddb.send(new CreateBackupCommand({ TableName, BackupName: 'first' }));
    assert.match(BackupDetails!.BackupArn!, ARN);
    assert.ok(BackupDetails!.BackupArn!.includes(`:table/${TableName}/backup/`));
    assert.ok(['CREATING', 'AVAILABLE'].includes(BackupDetails!.BackupStatus!));
    assert.equal(BackupDetails!.BackupType, 'USER');
    assert.equal(BackupDetails!.BackupName, 'first');
    const description = await available(ddb, BackupDetails!.BackupArn!);
    assert.equal(description.SourceTableDetails?.TableName, TableName);
    assert.equal(description.SourceTableDetails?.ItemCount, 30);
    assert.equal(description.SourceTableDetails?.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(description.SourceTableDetails?.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    assert.ok((description.BackupDetails?.BackupSizeBytes ?? 0) > 30 * 10);
    assert.equal(description.SourceTableFeatureDetails?.GlobalSecondaryIndexes?.[0]?.IndexName, 'byG');

    const second = await backup(ddb, TableName, 'second');
    const third = await backup(ddb, other, 'third');
    await available(ddb, second);
    await available(ddb, third);

    const mine = await listAll(ddb, { TableName });
    assert.deepEqual(mine.summaries.map((summary) => summary.BackupName), ['first', 'second']);
    assert.equal(mine.summaries[0]!.TableArn, `arn:aws:dynamodb:us-east-1:${mine.summaries[0]!.TableArn!.split(':')[4]}:table/${TableName}`);
    const paged = await listAll(ddb, { TableName, Limit: 1 });
    assert.deepEqual(paged.summaries.map((summary) => summary.BackupArn), mine.summaries.map((summary) => summary.BackupArn));
    assert.ok(paged.pages >= 2);
    const everything = await listAll(ddb, { BackupType: 'ALL' });
    assert.ok(everything.summaries.some((summary) => summary.BackupArn === third));
    assert.equal((await listAll(ddb, { TableName, BackupType: 'SYSTEM' })).summaries.length, 0);
    const secondTime = mine.summaries[1]!.BackupCreationDateTime!;
    const after = await listAll(ddb, { TableName, TimeRangeLowerBound: secondTime });
    assert.deepEqual(after.summaries.map((summary) => summary.BackupName), ['second']);
    const before = await listAll(ddb, { TableName, TimeRangeUpperBound: secondTime });
    assert.deepEqual(before.summaries.map((summary) => summary.BackupName), ['first']);

    const deleted = await ddb.send(new DeleteBackupCommand({ BackupArn: second }));
    assert.equal(deleted.BackupDescription?.BackupDetails?.BackupStatus, 'DELETED');
    const gone = await errorOf(() => ddb.send(new DescribeBackupCommand({ BackupArn: second })));
    assert.equal(gone.name, 'BackupNotFoundException');
    assert.equal(gone.message, `Backup not found for the given BackupARN: ${second}`);
    assert.deepEqual((await listAll(ddb, { TableName })).summaries.map((summary) => summary.BackupName), ['first']);
    assert.equal((await errorOf(() => ddb.send(new DeleteBackupCommand({ BackupArn: second })))).name, 'BackupNotFoundException');
  });

  test('bad requests get DynamoDB errors', async () => {
    const { ddb } = target();
    const missing = uniqueName('nosuch');
    const notFound = await errorOf(() => ddb.send(new CreateBackupCommand({ TableName: missing, BackupName: 'b1b' })));
    assert.equal(notFound.name, 'TableNotFoundException');
    assert.equal(notFound.message, `Table not found: ${missing}`);
    const TableName = await createTable(ddb, 'bkerr');
    assert.equal((await errorOf(() => ddb.send(new CreateBackupCommand({ TableName, BackupName: 'a' })))).name, 'ValidationException');
    assert.equal((await errorOf(() => ddb.send(new CreateBackupCommand({ TableName, BackupName: 'has space' })))).name, 'ValidationException');
    assert.equal((await errorOf(() => ddb.send(new ListBackupsCommand({ Limit: 0 })))).name, 'ValidationException');
    assert.equal((await errorOf(() => ddb.send(new DescribeBackupCommand({ BackupArn: 'short' })))).name, 'ValidationException');
    const unknown = `arn:aws:dynamodb:us-east-1:000000000000:table/${TableName}/backup/01700000000000-0badf00d`;
    assert.equal((await errorOf(() => ddb.send(new DescribeBackupCommand({ BackupArn: unknown })))).name, 'BackupNotFoundException');
    assert.equal((await errorOf(() => ddb.send(new RestoreTableFromBackupCommand({ BackupArn: unknown, TargetTableName: uniqueName('t') })))).name, 'BackupNotFoundException');
    const BackupArn = await backup(ddb, TableName);
    await available(ddb, BackupArn);
    const exists = await errorOf(() => ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: TableName })));
    assert.equal(exists.name, 'TableAlreadyExistsException');
    assert.equal(exists.message, `Table already exists: ${TableName}`);
  });

  test('a backup outlives its table and restores it; TableName may be the table ARN', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bkdropped');
    await putMany(ddb, TableName, 10, (i) => ({ pk: { S: `k${i}` } }));
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    const BackupArn = await backup(ddb, Table!.TableArn!);
    await available(ddb, BackupArn);
    assert.deepEqual((await listAll(ddb, { TableName: Table!.TableArn! })).summaries.map((summary) => summary.BackupArn), [BackupArn]);
    await ddb.send(new DeleteTableCommand({ TableName }));
    await waitFor('the deletion', () => errorOf(() => ddb.send(new DescribeTableCommand({ TableName }))), (error) => error.name === 'ResourceNotFoundException');
    const { BackupDescription } = await ddb.send(new DescribeBackupCommand({ BackupArn }));
    assert.equal(BackupDescription?.SourceTableDetails?.TableId, Table!.TableId);
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: TableName }));
    const restored = await activeTable(ddb, TableName);
    assert.notEqual(restored.TableId, Table!.TableId);
    assert.equal((await scanAll(ddb, TableName)).length, 10);
  });

  test('a restore keeps local indexes, or takes their override', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bklsi', { hash: ['pk', 'S'], range: ['sk', 'N'], indexes: [{ name: 'byV', local: true, range: ['v', 'S'] }] });
    await putMany(ddb, TableName, 40, (i) => ({ pk: { S: `p${i % 2}` }, sk: { N: String(i) }, v: { S: `v${String(40 - i).padStart(2, '0')}` } }));
    const BackupArn = await backup(ddb, TableName);
    const { SourceTableFeatureDetails } = await available(ddb, BackupArn);
    assert.equal(SourceTableFeatureDetails?.LocalSecondaryIndexes?.[0]?.IndexName, 'byV');
    const restored = uniqueName('bklsi_r');
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: restored }));
    const table = await activeTable(ddb, restored);
    assert.equal(table.LocalSecondaryIndexes?.[0]?.ItemCount, 40);
    const byV = await queryAll(ddb, { TableName: restored, IndexName: 'byV', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p0' } } });
    assert.deepEqual(byV.map((item) => item.v!.S), [...byV.map((item) => item.v!.S!)].sort());
    assert.equal(byV.length, 20);
    const overridden = uniqueName('bklsi_o');
    await ddb.send(
      new RestoreTableFromBackupCommand({
        BackupArn,
        TargetTableName: overridden,
        LocalSecondaryIndexOverride: [{ IndexName: 'other', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'v', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      }),
    );
    const other = await activeTable(ddb, overridden);
    assert.deepEqual(other.LocalSecondaryIndexes?.map((index) => index.IndexName), ['other']);
    assert.equal(other.LocalSecondaryIndexes?.[0]?.ItemCount, 40);
  });

  test('a backup taken while writes go on holds the table of one moment', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bkmoving');
    // Markers are written one after the other: any one moment holds m0..m(j-1) for some j, and nothing after a gap.
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `m${String(written).padStart(6, '0')}` }, n: { N: String(written) } } }));
        written++;
      }
    })();
    await waitFor('some writes', async () => written, (count) => count >= 20);
    const BackupArn = await backup(ddb, TableName);
    await available(ddb, BackupArn);
    await waitFor('more writes', async () => written, (count) => count >= 40);
    writing = false;
    await writer;
    const restored = uniqueName('bkmoving_r');
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: restored }));
    await activeTable(ddb, restored);
    const numbers = (await scanAll(ddb, restored)).map((item) => Number(item.n!.N)).sort((a, b) => a - b);
    assert.ok(numbers.length >= 20 && numbers.length < written, `${numbers.length} of ${written}`);
    assert.deepEqual(numbers, [...numbers.keys()], 'a prefix of the marker sequence');
    const { BackupDescription } = await ddb.send(new DescribeBackupCommand({ BackupArn }));
    assert.equal(BackupDescription?.SourceTableDetails?.ItemCount, numbers.length);
  });

  test('a backup copied in chunks while transactions move value between items holds the total of one moment', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bksum');
    // More items than one chunk of the copy, so the copy reads the table over several transactions.
    const COUNT = 2600;
    await putMany(ddb, TableName, COUNT, (i) => ({ pk: { S: `a${String(i).padStart(5, '0')}` }, v: { N: '100' } }));
    let moves = 0;
    let writing = true;
    const mover = async (seed: number) => {
      for (let i = seed; writing; i += 7919) {
        const from = `a${String(i % COUNT).padStart(5, '0')}`;
        const to = `a${String((i * 31 + 17) % COUNT).padStart(5, '0')}`;
        if (from === to) continue;
        await ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Update: { TableName, Key: { pk: { S: from } }, UpdateExpression: 'SET v = v - :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
              { Update: { TableName, Key: { pk: { S: to } }, UpdateExpression: 'SET v = v + :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
            ],
          }),
        ).catch((error: Error) => {
          // Two movers touching one item at once: one of them is cancelled, moving nothing.
          if (error.name !== 'TransactionCanceledException') throw error;
        });
        moves++;
        // Writes go on throughout the copy without flooding it: on a loaded 2-core machine three unpaused movers
        // against PostgreSQL outran the paced copy for over a minute (it finishes, later than the test waits).
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const movers = [mover(1), mover(2), mover(3)];
    await waitFor('some moves', async () => moves, (count) => count >= 20);
    const BackupArn = await backup(ddb, TableName);
    const movesAtRequest = moves;
    const description = await available(ddb, BackupArn);
    const movesDuringCopy = moves - movesAtRequest;
    writing = false;
    await Promise.all(movers);
    assert.ok(movesDuringCopy > 0, 'value moved between the request and the end of the copy');
    assert.equal(description.SourceTableDetails?.ItemCount, COUNT);
    const restored = uniqueName('bksum_r');
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: restored }));
    await activeTable(ddb, restored);
    const items = await scanAll(ddb, restored);
    assert.equal(items.length, COUNT);
    assert.equal(items.reduce((sum, item) => sum + Number(item.v!.N), 0), COUNT * 100, 'no move half in the backup');
    assert.ok(items.some((item) => item.v!.N !== '100'), 'moves made before the backup are in it');
  });

  test('while a backup of a table is being created, a second one and deleting the table are refused', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bkbusy');
    // Big enough that its copy is still under way when the next requests arrive.
    await putMany(ddb, TableName, 6000, (i) => ({ pk: { S: `k${i}` }, pad: { S: 'z'.repeat(200) } }));
    const BackupArn = await backup(ddb, TableName, 'first');
    const [second, deletion] = await Promise.all([
      errorOf(() => ddb.send(new CreateBackupCommand({ TableName, BackupName: 'second' }))),
      errorOf(() => ddb.send(new DeleteTableCommand({ TableName }))),
    ]);
    assert.equal(second.name, 'BackupInUseException');
    assert.equal(second.message, 'There is another ongoing conflicting backup control plane operation on the table. The backup is either being created, deleted or restored to a table.');
    assert.equal(deletion.name, 'ResourceInUseException');
    assert.equal(deletion.message, `Attempt to change a resource which is still in use: Table is being backed up: ${TableName}`);
    assert.equal((await available(ddb, BackupArn)).SourceTableDetails?.ItemCount, 6000);
    // Once it is AVAILABLE, both go through.
    await available(ddb, await backup(ddb, TableName, 'second'));
    await ddb.send(new DeleteTableCommand({ TableName }));
  });

  test('a restore gives the same items and a working index under the new name, with overrides', async () => {
    const { ddb } = target();
    const TableName = await createTable(ddb, 'bkrestore', WITH_GSI);
    await putMany(ddb, TableName, 120, (i) => ({ pk: { S: `k${String(i).padStart(3, '0')}` }, g: { N: String(i % 4) }, v: { S: `value ${i}` } }));
    const BackupArn = await backup(ddb, TableName);
    await available(ddb, BackupArn);
    // Written after the backup: not restored.
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'late' }, g: { N: '1' } } }));

    const restored = uniqueName('bkrestore_r');
    const { TableDescription } = await ddb.send(
      new RestoreTableFromBackupCommand({
        BackupArn,
        TargetTableName: restored,
        BillingModeOverride: 'PROVISIONED',
        ProvisionedThroughputOverride: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
        GlobalSecondaryIndexOverride: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } }],
        SSESpecificationOverride: { Enabled: true, SSEType: 'KMS' },
      }),
    );
    assert.equal(TableDescription?.TableStatus, 'CREATING');
    assert.equal(TableDescription?.RestoreSummary?.SourceBackupArn, BackupArn);
    assert.equal(TableDescription?.RestoreSummary?.RestoreInProgress, true);
    assert.ok(TableDescription?.RestoreSummary?.SourceTableArn?.endsWith(`:table/${TableName}`));
    const { BackupDescription } = await ddb.send(new DescribeBackupCommand({ BackupArn }));
    assert.deepEqual(TableDescription?.RestoreSummary?.RestoreDateTime, BackupDescription?.BackupDetails?.BackupCreationDateTime);
    const table = await activeTable(ddb, restored);
    assert.equal(table.RestoreSummary?.RestoreInProgress, false);
    assert.equal(table.ProvisionedThroughput?.ReadCapacityUnits, 7);
    assert.equal(table.ProvisionedThroughput?.WriteCapacityUnits, 3);
    assert.equal(table.GlobalSecondaryIndexes?.[0]?.Projection?.ProjectionType, 'KEYS_ONLY');
    assert.equal(table.SSEDescription?.SSEType, 'KMS');
    assert.equal(table.ItemCount, 120);

    const source = (await scanAll(ddb, TableName)).filter((item) => item.pk!.S !== 'late').sort(byPk);
    assert.deepEqual((await scanAll(ddb, restored)).sort(byPk), source);
    const g2 = await queryAll(ddb, { TableName: restored, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { N: '2' } } });
    assert.deepEqual(g2.map((item) => item.pk!.S).sort(), source.filter((item) => item.g!.N === '2').map((item) => item.pk!.S).sort());
    assert.deepEqual(Object.keys(g2[0]!).sort(), ['g', 'pk'], 'the override projects keys only');

    const unset = await errorOf(() => ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: uniqueName('bkrestore_x'), BillingModeOverride: 'PROVISIONED', ProvisionedThroughputOverride: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })));
    assert.equal(unset.name, 'ValidationException');
    assert.equal(unset.message, 'One or more parameter values were invalid: ProvisionedThroughput must be specified for index: byG');

    const plain = uniqueName('bkrestore_plain');
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: plain, GlobalSecondaryIndexOverride: [] }));
    const plainTable = await activeTable(ddb, plain);
    assert.equal(plainTable.GlobalSecondaryIndexes, undefined);
    assert.equal(plainTable.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    assert.equal((await scanAll(ddb, plain)).length, 120);
  });
});

describeEachBackend(
  'backups of tables in transition',
  (target) => {
    test('a table still being created cannot be backed up', async () => {
      const { ddb } = target();
      const TableName = uniqueName('bkcreating');
      await ddb.send(
        new CreateTableCommand({ TableName, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
      );
      const busy = await errorOf(() => ddb.send(new CreateBackupCommand({ TableName, BackupName: 'early' })));
      assert.equal(busy.name, 'TableInUseException');
      assert.equal(busy.message, 'Source table is being created, changed or deleted');
    });
  },
  { memoryOnly: true, config: { createTableMs: 60_000 } },
);

describe('backups across restarts (LMDB)', () => {
  test('a backup outlives the server, and a restore killed with SIGKILL finishes after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-backups-'));
    const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'silent'];
    try {
      const COUNT = 6000;
      let server = await startChild(args);
      let ddb = clientFor(server.endpoint);
      const TableName = await createTable(ddb, 'bkrestart', WITH_GSI);
      await putMany(ddb, TableName, COUNT, (i) => ({ pk: { S: `k${i}` }, g: { N: String(i % 10) }, pad: { S: 'y'.repeat(100) } }));
      const BackupArn = await backup(ddb, TableName);
      await available(ddb, BackupArn);
      const restored = uniqueName('bkrestart_r');
      await ddb.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: restored }));
      // A second backup asked just before the kill: copied whole after the restart, never AVAILABLE half-copied.
      const second = await backup(ddb, TableName, 'second');
      ddb.destroy();
      server = await killAndRestart(server, args);
      ddb = clientFor(server.endpoint);
      const { Table: early } = await ddb.send(new DescribeTableCommand({ TableName: restored }));
      assert.equal(early?.TableStatus, 'CREATING', 'the kill came before the restore ended');
      assert.equal(early?.RestoreSummary?.RestoreInProgress, true);
      const pending = await ddb.send(new DescribeBackupCommand({ BackupArn: second }));
      assert.equal(pending.BackupDescription?.BackupDetails?.BackupStatus, 'CREATING', 'the kill came before the copy ended');
      const { BackupDescription } = await ddb.send(new DescribeBackupCommand({ BackupArn }));
      assert.equal(BackupDescription?.BackupDetails?.BackupStatus, 'AVAILABLE');
      assert.equal(BackupDescription?.SourceTableDetails?.ItemCount, COUNT);
      const table = await activeTable(ddb, restored);
      assert.equal(table.ItemCount, COUNT);
      assert.equal(table.RestoreSummary?.RestoreInProgress, false);
      const g3 = await queryAll(ddb, { TableName: restored, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { N: '3' } } });
      assert.equal(g3.length, COUNT / 10);
      const copied = await available(ddb, second);
      assert.equal(copied.SourceTableDetails?.ItemCount, COUNT);
      const fromSecond = uniqueName('bkrestart_s');
      await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: second, TargetTableName: fromSecond }));
      assert.equal((await activeTable(ddb, fromSecond)).ItemCount, COUNT);
      assert.equal((await scanAll(ddb, fromSecond)).length, COUNT);
      server.process.kill('SIGTERM');
      await server.exited();
      ddb.destroy();
      // The store check knows backup records and items.
      const checked = await runChild(['check', '--data-dir', dataDir]);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      assert.doesNotMatch(checked.stdout, /unknown kind/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('backups on two nodes [postgres]', { skip: postgresUrl === undefined }, () => {
  let servers: RunningServer[] = [];
  let store: Storage | undefined;
  before(async () => {
    const config = { ...DEFAULT_CONFIG, port: 0, logLevel: 'silent' as const, storageUrl: await freshPostgresUrl() };
    servers = [await startServer(config, createLogger('silent')), await startServer(config, createLogger('silent'))];
    store = await openStorage(config);
  });
  after(async () => {
    for (const server of servers) await server.close();
    await store?.close();
  });

  test('a backup asked of one node is seen and restored through the other', async () => {
    const [a, b] = servers.map((server) => clientFor(server.endpoint)) as [DynamoDBClient, DynamoDBClient];
    try {
      const TableName = await createTable(a, 'bknodes', WITH_GSI);
      await putMany(a, TableName, 300, (i) => ({ pk: { S: `k${i}` }, g: { N: String(i % 5) } }));
      const BackupArn = await backup(a, TableName);
      const seen = await available(b, BackupArn);
      assert.equal(seen.SourceTableDetails?.ItemCount, 300);
      const restored = uniqueName('bknodes_r');
      await b.send(new RestoreTableFromBackupCommand({ BackupArn, TargetTableName: restored }));
      const table = await activeTable(a, restored);
      assert.equal(table.ItemCount, 300);
      const g1 = await queryAll(a, { TableName: restored, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { N: '1' } } });
      assert.equal(g1.length, 60);
      const listed = await listAll(b, { TableName });
      assert.deepEqual(listed.summaries.map((summary) => summary.BackupArn), [BackupArn]);

      // A deleted backup's items, record and work markers are purged from the store (only the number counter stays).
      const stored = () => store!.read((tx) => [...tx.range({ start: new Uint8Array([BACKUP_PREFIX.META, 0x00, 0x01]), end: new Uint8Array([BACKUP_PREFIX.ITEM + 1]) })].length);
      assert.ok((await stored()) > 300);
      await a.send(new DeleteBackupCommand({ BackupArn }));
      await waitFor('the purge', stored, (left) => left === 0);
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});
