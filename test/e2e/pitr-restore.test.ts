/**
 * RestoreTableToPointInTime on every backend: a restore to a second between
 * writes gives exactly that second's items and global index; the latest
 * restorable time gives the later state; the source named by ARN; DynamoDB's
 * errors (PITR off, a time outside the window, an existing target, an
 * unknown source); a deleted table restored by ARN within its window; a table
 * with a local index, TTL and a stream restored with both indexes at the second
 * and without its TTL and stream settings, as DynamoDB restores; and,
 * with DynamoDB's five-minute lag, the latest time right after enabling is
 * the table as it was then; --pitr-lag-ms sets that lag; a restore killed with SIGKILL finishes after the restart (LMDB).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListBackupsCommand,
  PutItemCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
  type RestoreTableToPointInTimeCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { parseConfig } from '../../src/cli.js';
import { createTable, errorOf, putMany, queryAll, waitFor, type SimpleTable } from '../helpers/tables.js';
import { clientFor, describeEachBackend, uniqueName } from '../helpers/harness.js';
import { killAndRestart, startChild } from '../helpers/child-server.js';

const WITH_GSI: SimpleTable = { hash: ['pk', 'S'], indexes: [{ name: 'byG', hash: ['g', 'S'] }] };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function enablePitr(ddb: DynamoDBClient, TableName: string): Promise<void> {
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
}

async function put(ddb: DynamoDBClient, TableName: string, pk: string, v: number): Promise<void> {
  await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, g: { S: 'x' }, v: { N: String(v) } } }));
}

/** Restores, checks the CREATING answer, and waits for the table to be ACTIVE. */
async function restore(ddb: DynamoDBClient, input: Omit<RestoreTableToPointInTimeCommandInput, 'TargetTableName'>): Promise<TableDescription> {
  const TargetTableName = uniqueName('pitrto');
  const { TableDescription } = await ddb.send(new RestoreTableToPointInTimeCommand({ ...input, TargetTableName }));
  assert.equal(TableDescription!.TableStatus, 'CREATING');
  assert.equal(TableDescription!.RestoreSummary!.RestoreInProgress, true);
  const { Table } = await waitFor('the restored table', () => ddb.send(new DescribeTableCommand({ TableName: TargetTableName })), (answer) => answer.Table?.TableStatus === 'ACTIVE');
  assert.equal(Table!.RestoreSummary!.RestoreInProgress, false);
  return Table!;
}

/**
 * Writes `before`, enables PITR, writes a1=1 and a2=1, (runs `meanwhile`,)
 * notes a time t a second later, and a second after it writes b=1 and
 * a1=2 and deletes a2; returns t.
 */
async function writeAroundATime(ddb: DynamoDBClient, TableName: string, meanwhile?: () => Promise<unknown>): Promise<Date> {
  await put(ddb, TableName, 'before', 1);
  await enablePitr(ddb, TableName);
  await put(ddb, TableName, 'a1', 1);
  await put(ddb, TableName, 'a2', 1);
  await meanwhile?.();
  await pause(1100);
  const t = new Date();
  await pause(1100);
  await put(ddb, TableName, 'b', 1);
  await put(ddb, TableName, 'a1', 2);
  await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'a2' } } }));
  return t;
}

function sortedItems(items: readonly Record<string, AttributeValue>[]): string[] {
  return items.map((item) => `${item.pk!.S}=${item.v!.N}`).sort();
}

async function contents(ddb: DynamoDBClient, TableName: string): Promise<{ items: string[]; index: string[] }> {
  const { Items } = await ddb.send(new ScanCommand({ TableName }));
  const indexed = await queryAll(ddb, { TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } });
  return { items: sortedItems(Items!), index: sortedItems(indexed) };
}

describeEachBackend(
  'point-in-time restore',
  (target) => {
    test('a restore to a second between writes gives that second; the latest time gives the later state', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrsrc', WITH_GSI);
      const t1 = await writeAroundATime(ddb, TableName);
      await pause(50);
      const t2 = new Date();

      const atT1 = await restore(ddb, { SourceTableName: TableName, RestoreDateTime: t1 });
      assert.equal(atT1.RestoreSummary!.RestoreDateTime!.getTime(), t1.getTime());
      assert.equal(atT1.RestoreSummary!.SourceTableArn, (await ddb.send(new DescribeTableCommand({ TableName }))).Table!.TableArn);
      assert.equal(atT1.GlobalSecondaryIndexes?.[0]?.IndexName, 'byG');
      const first = { items: ['a1=1', 'a2=1', 'before=1'], index: ['a1=1', 'a2=1', 'before=1'] };
      assert.deepEqual(await contents(ddb, atT1.TableName!), first);

      const later = { items: ['a1=2', 'b=1', 'before=1'], index: ['a1=2', 'b=1', 'before=1'] };
      const atT2 = await restore(ddb, { SourceTableArn: atT1.RestoreSummary!.SourceTableArn, RestoreDateTime: t2 });
      assert.deepEqual(await contents(ddb, atT2.TableName!), later);
      const latest = await restore(ddb, { SourceTableName: TableName, UseLatestRestorableTime: true });
      assert.ok(latest.RestoreSummary!.RestoreDateTime!.getTime() >= t2.getTime());
      assert.deepEqual(await contents(ddb, latest.TableName!), later);
      // A restore at t1 again still sees t1: the log the restores read is kept.
      assert.deepEqual(await contents(ddb, (await restore(ddb, { SourceTableName: TableName, RestoreDateTime: t1 })).TableName!), first);
      // The base the restores start from is no backup a user sees.
      const { BackupSummaries } = await ddb.send(new ListBackupsCommand({ TableName, BackupType: 'ALL' }));
      assert.deepEqual(BackupSummaries, []);
    });

    test('a table with a local index, TTL and a stream: its items and both indexes at the second, TTL and stream settings not restored', async () => {
      // AWS Developer Guide, "Restoring a DynamoDB table to a point in time": indexes are restored; stream
      // settings and TTL settings are among what must be set up again on the restored table.
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrlsi', {
        hash: ['pk', 'S'],
        range: ['sk', 'N'],
        indexes: [
          { name: 'byV', local: true, range: ['v', 'N'] },
          { name: 'byG', hash: ['g', 'S'] },
        ],
        extra: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } },
      });
      await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }));
      const item = (sk: number, v: number) => ({ pk: { S: 'p' }, sk: { N: String(sk) }, v: { N: String(v) }, g: { S: 'x' }, expires: { N: '4102444800' } });
      await enablePitr(ddb, TableName);
      for (const sk of [1, 2, 3]) await ddb.send(new PutItemCommand({ TableName, Item: item(sk, 10 * sk) }));
      await pause(1100);
      const t = new Date();
      await pause(1100);
      await ddb.send(new PutItemCommand({ TableName, Item: item(2, 5) }));
      await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'p' }, sk: { N: '3' } } }));
      await ddb.send(new PutItemCommand({ TableName, Item: item(4, 40) }));

      const restored = await restore(ddb, { SourceTableName: TableName, RestoreDateTime: t });
      const name = restored.TableName!;
      assert.deepEqual(restored.LocalSecondaryIndexes?.map((index) => index.IndexName), ['byV']);
      assert.deepEqual(restored.GlobalSecondaryIndexes?.map((index) => index.IndexName), ['byG']);
      const byLocal = await queryAll(ddb, { TableName: name, IndexName: 'byV', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } });
      assert.deepEqual(byLocal.map((found) => `${found.sk!.N}:${found.v!.N}`), ['1:10', '2:20', '3:30'], 'the local index at t, in its order');
      const byGlobal = await queryAll(ddb, { TableName: name, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'x' } } });
      assert.equal(byGlobal.length, 3);
      assert.equal(restored.StreamSpecification, undefined, 'no stream on the restored table');
      assert.equal(restored.LatestStreamArn, undefined);
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: name }));
      assert.equal(ttl.TimeToLiveDescription!.TimeToLiveStatus, 'DISABLED');
      // The source keeps its own settings.
      assert.equal((await ddb.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription!.TimeToLiveStatus, 'ENABLED');
    });

    test('takes RestoreTableFromBackup\'s overrides: billing mode, capacity, indexes', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrover', WITH_GSI);
      await enablePitr(ddb, TableName);
      await put(ddb, TableName, 'a', 1);
      const restored = await restore(ddb, {
        SourceTableName: TableName,
        UseLatestRestorableTime: true,
        BillingModeOverride: 'PROVISIONED',
        ProvisionedThroughputOverride: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
        GlobalSecondaryIndexOverride: [],
      });
      assert.deepEqual([restored.ProvisionedThroughput!.ReadCapacityUnits, restored.ProvisionedThroughput!.WriteCapacityUnits], [3, 4]);
      assert.equal(restored.GlobalSecondaryIndexes, undefined);
      const { Items } = await ddb.send(new ScanCommand({ TableName: restored.TableName! }));
      assert.deepEqual(sortedItems(Items!), ['a=1']);
      // An on-demand source's index has no capacity to keep: switching to provisioned must give it, as for a backup.
      const unset = await errorOf(() =>
        ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), UseLatestRestorableTime: true, BillingModeOverride: 'PROVISIONED', ProvisionedThroughputOverride: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })),
      );
      assert.equal(unset.name, 'ValidationException');
    });

    test('switched off and on again, the window starts anew and a restore starts from a fresh copy', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitragain', WITH_GSI);
      await enablePitr(ddb, TableName);
      await put(ddb, TableName, 'first', 1);
      const beforeOff = new Date();
      await ddb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }));
      await put(ddb, TableName, 'unlogged', 1);
      await pause(20);
      await enablePitr(ddb, TableName);
      await put(ddb, TableName, 'second', 1);
      const gone = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), RestoreDateTime: beforeOff })));
      assert.equal(gone.name, 'InvalidRestoreTimeException');
      const restored = await restore(ddb, { SourceTableName: TableName, UseLatestRestorableTime: true });
      assert.deepEqual(await contents(ddb, restored.TableName!), { items: ['first=1', 'second=1', 'unlogged=1'], index: ['first=1', 'second=1', 'unlogged=1'] });
    });

    test('a restore whose source is deleted at once ends ACTIVE or gone, never stuck CREATING', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrdel', WITH_GSI);
      await put(ddb, TableName, 'a', 1);
      await enablePitr(ddb, TableName);
      const TargetTableName = uniqueName('pitrdel_r');
      await ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName, UseLatestRestorableTime: true }));
      await ddb.send(new DeleteTableCommand({ TableName }));
      const end = await waitFor(
        'the restore to end',
        () => ddb.send(new DescribeTableCommand({ TableName: TargetTableName })).then((answer) => answer.Table?.TableStatus ?? 'gone', (error: Error) => error.name),
        (status) => status !== 'CREATING',
      );
      // Copied before the deletion: restored whole; not copied: a failed restore leaves no table.
      if (end === 'ACTIVE') assert.deepEqual(await contents(ddb, TargetTableName), { items: ['a=1'], index: ['a=1'] });
      else assert.ok(['ResourceNotFoundException', 'DELETING'].includes(end), end);
    });

    test('a deleted table is restored by its ARN within its window, which ends at its deletion', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrgone', WITH_GSI);
      const { Table: live } = await ddb.send(new DescribeTableCommand({ TableName }));
      // A live restore ends only once the base is copied, which a restore after the deletion needs.
      const t = await writeAroundATime(ddb, TableName, () => restore(ddb, { SourceTableName: TableName, UseLatestRestorableTime: true }));
      await ddb.send(new DeleteTableCommand({ TableName }));
      await waitFor('the deletion', () => ddb.send(new DescribeTableCommand({ TableName })).then(() => 'there', (error: Error) => error.name), (answer) => answer === 'ResourceNotFoundException');

      const atT = await restore(ddb, { SourceTableArn: live!.TableArn, RestoreDateTime: t });
      assert.equal(atT.RestoreSummary!.SourceTableArn, live!.TableArn);
      assert.deepEqual(await contents(ddb, atT.TableName!), { items: ['a1=1', 'a2=1', 'before=1'], index: ['a1=1', 'a2=1', 'before=1'] });
      const last = await restore(ddb, { SourceTableArn: live!.TableArn, UseLatestRestorableTime: true });
      assert.deepEqual(await contents(ddb, last.TableName!), { items: ['a1=2', 'b=1', 'before=1'], index: ['a1=2', 'b=1', 'before=1'] });

      await pause(50);
      const afterDeletion = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableArn: live!.TableArn, TargetTableName: uniqueName('t'), RestoreDateTime: new Date() })));
      assert.equal(afterDeletion.name, 'InvalidRestoreTimeException');
      const byName = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), UseLatestRestorableTime: true })));
      assert.equal(byName.name, 'SourceTableNotFoundException');

      const plain = await createTable(ddb, 'pitrgone_off', WITH_GSI);
      const { Table: plainLive } = await ddb.send(new DescribeTableCommand({ TableName: plain }));
      await ddb.send(new DeleteTableCommand({ TableName: plain }));
      const never = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableArn: plainLive!.TableArn, TargetTableName: uniqueName('t'), UseLatestRestorableTime: true })));
      assert.equal(never.name, 'SourceTableNotFoundException');
      assert.equal(never.message, `Source table not found: ${plainLive!.TableArn}`);
    });

    test('errors: PITR off, a time outside the window, an existing target, an unknown source, both or neither time', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrerr', WITH_GSI);
      const other = await createTable(ddb, 'pitrother');
      const off = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), UseLatestRestorableTime: true })));
      assert.equal(off.name, 'PointInTimeRecoveryUnavailableException');
      assert.equal(off.message, `Point in time recovery is not enabled for table '${TableName}'`);
      const enabledAt = Date.now();
      await enablePitr(ddb, TableName);
      for (const RestoreDateTime of [new Date(enabledAt - 60_000), new Date(Date.now() + 60_000)]) {
        const outside = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), RestoreDateTime })));
        assert.equal(outside.name, 'InvalidRestoreTimeException');
        assert.equal(outside.message, 'RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime.');
      }
      const exists = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: other, UseLatestRestorableTime: true })));
      assert.equal(exists.name, 'TableAlreadyExistsException');
      const missing = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'no-such-table', TargetTableName: uniqueName('t'), UseLatestRestorableTime: true })));
      assert.equal(missing.name, 'SourceTableNotFoundException');
      assert.equal(missing.message, 'Source table not found: no-such-table');
      const neither = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t') })));
      assert.equal(neither.name, 'ValidationException');
      const both = await errorOf(() =>
        ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), UseLatestRestorableTime: true, RestoreDateTime: new Date() })),
      );
      assert.equal(both.name, 'ValidationException');
    });
  },
  { config: { pitrLagMs: 0 } },
);

describeEachBackend(
  'point-in-time restore with DynamoDB\'s lag',
  (target) => {
    test('right after enabling, the latest restorable time is the switch-on: later writes are not restored', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'pitrlag', WITH_GSI);
      await put(ddb, TableName, 'kept', 1);
      await enablePitr(ddb, TableName);
      await put(ddb, TableName, 'kept', 2);
      await put(ddb, TableName, 'later', 1);
      const now = await errorOf(() => ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: uniqueName('t'), RestoreDateTime: new Date() })));
      assert.equal(now.name, 'InvalidRestoreTimeException');
      const restored = await restore(ddb, { SourceTableName: TableName, UseLatestRestorableTime: true });
      assert.deepEqual(await contents(ddb, restored.TableName!), { items: ['kept=1'], index: ['kept=1'] });
    });
  },
  { memoryOnly: true },
);

describe('--pitr-lag-ms', () => {
  test('is five minutes unless the flag or DYNALITH_PITR_LAG_MS says otherwise; 0 is allowed', () => {
    const lag = (argv: string[], env: NodeJS.ProcessEnv = {}) => (parseConfig(argv, env) as { pitrLagMs: number }).pitrLagMs;
    assert.equal(lag([]), 300_000);
    assert.equal(lag(['--pitr-lag-ms', '0']), 0);
    assert.equal(lag([], { DYNALITH_PITR_LAG_MS: '1000' }), 1000);
    assert.throws(() => parseConfig(['--pitr-lag-ms', 'soon'], {}), /--pitr-lag-ms must be an integer/);
  });
});

describe('point-in-time restore across a restart (LMDB)', () => {
  test('a restore killed with SIGKILL finishes after the restart, at its time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-pitr-'));
    const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'silent', '--pitr-lag-ms', '0'];
    try {
      const COUNT = 5000;
      let server = await startChild(args);
      let ddb = clientFor(server.endpoint);
      const TableName = await createTable(ddb, 'pitrkill', WITH_GSI);
      await putMany(ddb, TableName, COUNT, (i) => ({ pk: { S: `k${i}` }, g: { S: 'x' }, v: { N: '1' }, pad: { S: 'y'.repeat(100) } }));
      await enablePitr(ddb, TableName);
      await pause(1100);
      const at = new Date();
      await pause(20);
      await put(ddb, TableName, 'k0', 2);
      await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'k1' } } }));
      await put(ddb, TableName, 'new', 1);
      const restored = uniqueName('pitrkill_r');
      await ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: TableName, TargetTableName: restored, RestoreDateTime: at }));
      ddb.destroy();
      server = await killAndRestart(server, args);
      ddb = clientFor(server.endpoint);
      const { Table: early } = await ddb.send(new DescribeTableCommand({ TableName: restored }));
      assert.equal(early?.TableStatus, 'CREATING', 'the kill came before the restore ended');
      const { Table } = await waitFor('the restored table', () => ddb.send(new DescribeTableCommand({ TableName: restored })), (answer) => answer.Table?.TableStatus === 'ACTIVE');
      assert.equal(Table!.ItemCount, COUNT);
      const { Items } = await ddb.send(new ScanCommand({ TableName: restored, FilterExpression: 'pk IN (:a, :b, :c)', ExpressionAttributeValues: { ':a': { S: 'k0' }, ':b': { S: 'k1' }, ':c': { S: 'new' } } }));
      assert.deepEqual(sortedItems(Items!), ['k0=1', 'k1=1']);
      server.process.kill('SIGTERM');
      await server.exited();
      ddb.destroy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
