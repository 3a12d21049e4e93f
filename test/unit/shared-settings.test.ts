/**
 * The settings a global table's replicas share (operations/tables/shared-settings.ts):
 * what a change did to them, taken from a replica's record before and after,
 * and that change applied to another replica, which keeps its own ids,
 * statuses and unshared settings, and which a change told twice leaves as
 * it is; overrides of reads and table class, kept or replaced. Then DynamoDB's refusals while a replica is being added, through
 * the operations on a real catalog.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IndexRecord, TableRecord } from '../../src/engine/table.js';
import { sharedChange, withoutOverridesReplacedBy, withSharedChange } from '../../src/operations/tables/shared-settings.js';
import { updateTable } from '../../src/operations/tables/update-table.js';
import { updateTimeToLive } from '../../src/operations/tables/update-time-to-live.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import type { Services } from '../../src/engine/services.js';
import { createCatalogTable, freshCatalogs, TEST_NAMESPACE as NS } from '../helpers/catalog-table.js';

const byG: IndexRecord = { id: 5, IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, IndexStatus: 'ACTIVE' };

const replica: TableRecord = {
  id: 4,
  account: NS.account,
  region: 'us-west-2',
  TableName: 't',
  TableId: 'uuid',
  CreationDateTime: 1,
  TableStatus: 'ACTIVE',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
  ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
  LocalSecondaryIndexes: [],
  GlobalSecondaryIndexes: [{ ...byG, contributorInsights: { enabled: true, mode: 'THROTTLED_KEYS', updatedAt: 1, rulesCreatedAt: 1, until: 1 } }],
  TableClass: 'STANDARD',
  DeletionProtectionEnabled: true,
  Tags: [{ Key: 'own', Value: 'tag' }],
  TimeToLive: { AttributeName: 'exp' },
  Replicas: [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }],
};

describe('the settings replicas share', () => {
  const source: TableRecord = { ...replica, id: 1, region: 'us-east-1', DeletionProtectionEnabled: false, GlobalSecondaryIndexes: [byG], Replicas: [{ RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE' }] };
  const byH: IndexRecord = { id: 9, IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, IndexStatus: 'CREATING', Backfilling: true };
  const { TimeToLive: _, ...withoutTtl } = source;
  const changed: TableRecord = {
    ...withoutTtl,
    TableStatus: 'UPDATING',
    DeletionProtectionEnabled: true,
    TableClass: 'STANDARD_INFREQUENT_ACCESS',
    AttributeDefinitions: [...source.AttributeDefinitions, { AttributeName: 'h', AttributeType: 'S' }],
    GlobalSecondaryIndexes: [byG, byH],
  };

  test('a change is what it did to shared settings only, whatever the ids and statuses', () => {
    assert.deepEqual(sharedChange(source, changed), {
      table: { TableClass: 'STANDARD_INFREQUENT_ACCESS', TimeToLive: null },
      AttributeDefinitions: changed.AttributeDefinitions,
      createIndexes: [{ IndexName: 'byH', KeySchema: byH.KeySchema, Projection: byH.Projection }],
    });
    assert.equal(sharedChange(source, { ...source, DeletionProtectionEnabled: true, Tags: [], TableStatus: 'UPDATING' }), undefined, 'nothing shared changed');
  });

  test('another replica takes the change with ids of its own, keeps what is its own, and is unchanged when told again', () => {
    const change = sharedChange(source, changed)!;
    let next = 100;
    const applied = withSharedChange(replica, change, () => next++, 0);
    assert.deepEqual(
      applied.GlobalSecondaryIndexes.map(({ id, IndexName, IndexStatus, Backfilling }) => ({ id, IndexName, IndexStatus, Backfilling })),
      [
        { id: 5, IndexName: 'byG', IndexStatus: 'ACTIVE', Backfilling: undefined },
        { id: 100, IndexName: 'byH', IndexStatus: 'CREATING', Backfilling: true },
      ],
    );
    assert.ok(applied.GlobalSecondaryIndexes[0]!.contributorInsights?.enabled, 'its index keeps its Contributor Insights');
    assert.deepEqual([applied.TableClass, applied.TimeToLive, applied.DeletionProtectionEnabled, applied.Tags, applied.TableStatus], ['STANDARD_INFREQUENT_ACCESS', undefined, true, replica.Tags, 'ACTIVE']);
    assert.deepEqual(applied.AttributeDefinitions.map((definition) => definition.AttributeName), ['pk', 'g', 'h']);
    assert.deepEqual(withSharedChange(applied, change, () => next++, 0), applied, 'told twice');

    const dropped = withSharedChange(applied, { deleteIndexes: ['byH'] }, () => next++, 60_000, 1000);
    assert.deepEqual(dropped.GlobalSecondaryIndexes[1], { ...applied.GlobalSecondaryIndexes[1], IndexStatus: 'DELETING', statusUntil: 61_000 }, 'DELETING for the transition');
    assert.deepEqual([dropped.TableStatus, dropped.statusUntil], ['UPDATING', 61_000]);
    const gone = withSharedChange(applied, { deleteIndexes: ['byH'] }, () => next++, 0);
    assert.deepEqual(gone.GlobalSecondaryIndexes.map((index) => index.IndexName), ['byG']);
    assert.deepEqual(gone.AttributeDefinitions.map((definition) => definition.AttributeName), ['pk', 'g'], 'its key attribute goes with it');
    assert.equal(withSharedChange(applied, { table: { TimeToLive: { AttributeName: 'exp' } } }, () => next++, 60_000).TableStatus, 'ACTIVE', 'Time to Live takes no transition');
  });
});

describe('overrides of read capacity and table class', () => {
  const units = (ReadCapacityUnits: number, WriteCapacityUnits: number) => ({ ReadCapacityUnits, WriteCapacityUnits, NumberOfDecreasesToday: 0 });
  const index = (read: number, write: number): IndexRecord => ({ ...byG, ProvisionedThroughput: units(read, write) });
  const base: TableRecord = { ...replica, id: 1, region: 'us-east-1', BillingMode: 'PROVISIONED', ProvisionedThroughput: units(10, 10), GlobalSecondaryIndexes: [index(10, 10)] };
  // The replica in us-west-2 reads with its own capacity, 5, on its table and its index; the base's entry for it says so.
  const entry = {
    RegionName: 'us-west-2',
    ReplicaStatus: 'ACTIVE' as const,
    ProvisionedThroughputOverride: { ReadCapacityUnits: 5 },
    GlobalSecondaryIndexes: [{ IndexName: 'byG', ProvisionedThroughputOverride: { ReadCapacityUnits: 5 } }],
    ReplicaTableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' as const },
  };
  const source: TableRecord = { ...base, Replicas: [entry] };
  const own: TableRecord = { ...base, id: 4, region: 'us-west-2', TableClass: 'STANDARD_INFREQUENT_ACCESS', ProvisionedThroughput: units(5, 10), GlobalSecondaryIndexes: [index(5, 10)] };

  test('a change of writes leaves each replica its own reads and its overrides', () => {
    const change = sharedChange(source, { ...source, ProvisionedThroughput: units(10, 20), GlobalSecondaryIndexes: [index(10, 20)] })!;
    const applied = withSharedChange(own, change, () => 0, 0);
    assert.deepEqual([applied.ProvisionedThroughput.ReadCapacityUnits, applied.ProvisionedThroughput.WriteCapacityUnits], [5, 20]);
    assert.deepEqual(applied.GlobalSecondaryIndexes[0]!.ProvisionedThroughput, units(5, 20));
    assert.equal(applied.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    assert.deepEqual(withoutOverridesReplacedBy(source, change).Replicas, [entry]);
  });

  test('a change of reads or of the table class replaces every replica\'s own, and the overrides go from the entries', () => {
    const reads = sharedChange(source, { ...source, ProvisionedThroughput: units(30, 10) })!;
    const applied = withSharedChange(own, reads, () => 0, 0);
    assert.deepEqual([applied.ProvisionedThroughput.ReadCapacityUnits, applied.GlobalSecondaryIndexes[0]!.ProvisionedThroughput?.ReadCapacityUnits], [30, 5], 'the index keeps its own');
    const { ProvisionedThroughputOverride: _, ...withoutTable } = entry;
    assert.deepEqual(withoutOverridesReplacedBy(source, reads).Replicas, [withoutTable]);

    const indexReads = sharedChange(source, { ...source, GlobalSecondaryIndexes: [index(30, 10)] })!;
    assert.equal(withSharedChange(own, indexReads, () => 0, 0).GlobalSecondaryIndexes[0]!.ProvisionedThroughput?.ReadCapacityUnits, 30);
    const { GlobalSecondaryIndexes: __, ...withoutIndex } = entry;
    assert.deepEqual(withoutOverridesReplacedBy(source, indexReads).Replicas, [withoutIndex]);

    const tableClass = sharedChange(source, { ...source, TableClass: 'STANDARD_INFREQUENT_ACCESS', TableClassLastUpdate: 2 })!;
    assert.equal(withSharedChange({ ...own, TableClass: 'STANDARD' }, tableClass, () => 0, 0).TableClass, 'STANDARD_INFREQUENT_ACCESS');
    const { ReplicaTableClassSummary: ___, ...withoutClass } = entry;
    assert.deepEqual(withoutOverridesReplacedBy(source, tableClass).Replicas, [withoutClass]);
    const dropped = sharedChange(source, { ...source, GlobalSecondaryIndexes: [] })!;
    assert.deepEqual(withoutOverridesReplacedBy(source, dropped).Replicas, [withoutIndex], 'a deleted index\'s overrides go with it');
  });
});

describe('refusals while a replica is being added', () => {
  const catalogs = freshCatalogs('memory');

  test('UpdateTable is refused as the resource in use, UpdateTimeToLive with the replica named', async () => {
    const { storage, catalog } = await catalogs();
    await createCatalogTable(catalog, 'adding', { Replicas: [{ RegionName: 'us-west-2', ReplicaStatus: 'CREATING' }] });
    const context = { namespace: NS, requestId: 'test', services: { storage, catalog, config: DEFAULT_CONFIG } as unknown as Services };
    await assert.rejects(async () => updateTable.execute({ TableName: 'adding', DeletionProtectionEnabled: true }, context), {
      type: 'ResourceInUseException',
      message: 'The resource which you are attempting to change is in use.',
    });
    await assert.rejects(async () => updateTimeToLive.execute({ TableName: 'adding', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }, context), {
      type: 'ValidationException',
      message: 'Create/Update/Delete of replica is not allowed while the replica is being added to table with name: ‘adding’ in region: ‘us-west-2’.',
    });
    assert.equal(catalog.get(NS, 'adding')!.DeletionProtectionEnabled, false);
  });
});
