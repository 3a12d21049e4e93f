/**
 * UpdateContinuousBackups and DescribeContinuousBackups: switching
 * point-in-time recovery on and off, its recovery period and window, the
 * table named by name or ARN, and DynamoDB's errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  type ContinuousBackupsDescription,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';

async function createTable(ddb: DynamoDBClient): Promise<{ name: string; arn: string }> {
  const { TableDescription } = await ddb.send(
    new CreateTableCommand({
      TableName: uniqueName('pitr'),
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return { name: TableDescription!.TableName!, arn: TableDescription!.TableArn! };
}

const DISABLED: ContinuousBackupsDescription = { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } };

async function update(ddb: DynamoDBClient, TableName: string, enabled: boolean, period?: number): Promise<ContinuousBackupsDescription> {
  const spec = { PointInTimeRecoveryEnabled: enabled, ...(period !== undefined ? { RecoveryPeriodInDays: period } : {}) };
  return (await ddb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: spec }))).ContinuousBackupsDescription!;
}

async function describe(ddb: DynamoDBClient, TableName: string): Promise<ContinuousBackupsDescription> {
  return (await ddb.send(new DescribeContinuousBackupsCommand({ TableName }))).ContinuousBackupsDescription!;
}

describeEachBackend('continuous backups', (target) => {
  test('a new table has continuous backups but no point-in-time recovery', async () => {
    const { ddb } = target();
    const { name } = await createTable(ddb);
    assert.deepEqual(await describe(ddb, name), DISABLED);
  });

  test('enabling starts the window now with a 35-day period; describing shows the same', async () => {
    const { ddb } = target();
    const { name } = await createTable(ddb);
    const before = Date.now();
    const enabled = await update(ddb, name, true);
    const after = Date.now();
    const pitr = enabled.PointInTimeRecoveryDescription!;
    assert.equal(enabled.ContinuousBackupsStatus, 'ENABLED');
    assert.equal(pitr.PointInTimeRecoveryStatus, 'ENABLED');
    assert.equal(pitr.RecoveryPeriodInDays, 35);
    const earliest = pitr.EarliestRestorableDateTime!.getTime();
    assert.ok(earliest >= before - 1 && earliest <= after + 1, `${earliest} within [${before}, ${after}]`);
    // Within five minutes of enabling, the latest restorable time is the window's start.
    assert.equal(pitr.LatestRestorableDateTime!.getTime(), earliest);
    const described = (await describe(ddb, name)).PointInTimeRecoveryDescription!;
    assert.equal(described.PointInTimeRecoveryStatus, 'ENABLED');
    assert.equal(described.RecoveryPeriodInDays, 35);
    assert.equal(described.EarliestRestorableDateTime!.getTime(), earliest);
  });

  test('enabling again changes the period only when asked and keeps the window\'s start', async () => {
    const { ddb } = target();
    const { name } = await createTable(ddb);
    const first = (await update(ddb, name, true, 7)).PointInTimeRecoveryDescription!;
    assert.equal(first.RecoveryPeriodInDays, 7);
    const second = (await update(ddb, name, true, 1)).PointInTimeRecoveryDescription!;
    assert.equal(second.RecoveryPeriodInDays, 1);
    assert.equal(second.EarliestRestorableDateTime!.getTime(), first.EarliestRestorableDateTime!.getTime());
    const third = (await update(ddb, name, true)).PointInTimeRecoveryDescription!;
    assert.equal(third.RecoveryPeriodInDays, 1);
    assert.equal((await describe(ddb, name)).PointInTimeRecoveryDescription!.RecoveryPeriodInDays, 1);
  });

  test('disabling forgets the period; enabling again starts a new window with the default period', async () => {
    const { ddb } = target();
    const { name } = await createTable(ddb);
    const first = (await update(ddb, name, true, 10)).PointInTimeRecoveryDescription!;
    assert.deepEqual(await update(ddb, name, false), DISABLED);
    assert.deepEqual(await describe(ddb, name), DISABLED);
    // Disabling a disabled table is no error.
    assert.deepEqual(await update(ddb, name, false), DISABLED);
    // Let the clock move past the first window's start (a millisecond is enough).
    const start = first.EarliestRestorableDateTime!.getTime();
    while (Date.now() <= start + 1) await new Promise((resolve) => setTimeout(resolve, 2));
    const again = (await update(ddb, name, true)).PointInTimeRecoveryDescription!;
    assert.equal(again.RecoveryPeriodInDays, 35);
    assert.ok(again.EarliestRestorableDateTime!.getTime() > start);
  });

  test('other changes of the table keep the setting', async () => {
    const { ddb } = target();
    const { name, arn } = await createTable(ddb);
    const enabled = await update(ddb, name, true, 12);
    await ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }));
    await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
    const described = (await describe(ddb, name)).PointInTimeRecoveryDescription!;
    assert.equal(described.RecoveryPeriodInDays, 12);
    assert.equal(described.EarliestRestorableDateTime!.getTime(), enabled.PointInTimeRecoveryDescription!.EarliestRestorableDateTime!.getTime());
  });

  test('the table may be named by its ARN', async () => {
    const { ddb } = target();
    const { name, arn } = await createTable(ddb);
    const enabled = await update(ddb, arn, true, 3);
    assert.equal(enabled.PointInTimeRecoveryDescription!.RecoveryPeriodInDays, 3);
    assert.deepEqual(await describe(ddb, arn), await describe(ddb, name));
  });

  test('an unknown table is TableNotFoundException, by name or by ARN of another region', async () => {
    const { ddb } = target();
    const missing = uniqueName('missing');
    await assert.rejects(describe(ddb, missing), { name: 'TableNotFoundException', message: `Table not found: ${missing}` });
    await assert.rejects(update(ddb, missing, true), { name: 'TableNotFoundException', message: `Table not found: ${missing}` });
    const { arn } = await createTable(ddb);
    const elsewhere = arn.replace(':us-east-1:', ':eu-west-1:');
    await assert.rejects(describe(ddb, elsewhere), { name: 'TableNotFoundException', message: `Table not found: ${elsewhere}` });
  });

  test('RecoveryPeriodInDays must be 1 to 35, the specification is required, TableName at most 1024 characters', async () => {
    const { ddb } = target();
    const { name } = await createTable(ddb);
    for (const period of [0, 36]) {
      await assert.rejects(update(ddb, name, true, period), {
        name: 'ValidationException',
        message: `1 validation error detected: Value '${period}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value ${period === 0 ? 'greater than or equal to 1' : 'less than or equal to 35'}`,
      });
    }
    await assert.rejects(ddb.send(new UpdateContinuousBackupsCommand({ TableName: name } as never)), {
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null",
    });
    // TableName is a name or an ARN: 1 to 1024 characters.
    await assert.rejects(describe(ddb, 'x'.repeat(1025)), {
      name: 'ValidationException',
      message: `1 validation error detected: Value '${'x'.repeat(1025)}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 1024`,
    });
    assert.deepEqual(await describe(ddb, name), DISABLED);
  });
});

describeEachBackend(
  'continuous backups of a table being created',
  (target) => {
    test('UpdateContinuousBackups is ContinuousBackupsUnavailableException until the table is ACTIVE', async () => {
      const { ddb } = target();
      const { name } = await createTable(ddb);
      await assert.rejects(update(ddb, name, true), { name: 'ContinuousBackupsUnavailableException', message: 'Backups are being enabled for the table' });
      assert.deepEqual(await describe(ddb, name), DISABLED);
    });
  },
  { memoryOnly: true, config: { createTableMs: 60_000 } },
);
