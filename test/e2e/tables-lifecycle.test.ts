import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  DescribeTableCommand,
  ListTablesCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';

const INVALID = 'One or more parameter values were invalid: ';

async function create(target: Target, extra: Partial<CreateTableCommandInput> = {}): Promise<string> {
  const TableName = uniqueName('tl');
  await target.ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      ...extra,
    }),
  );
  return TableName;
}

async function updateRejects(target: Target, input: UpdateTableCommandInput, name: string, message: string): Promise<void> {
  await assert.rejects(target.ddb.send(new UpdateTableCommand(input)), (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

describeEachBackend('DescribeTable, DeleteTable, ListTables', (target) => {
  test('a missing table is not found', async () => {
    await assert.rejects(target().ddb.send(new DescribeTableCommand({ TableName: 'no_such_table' })), {
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: no_such_table not found',
    });
    await assert.rejects(target().ddb.send(new DeleteTableCommand({ TableName: 'no_such_table' })), {
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: no_such_table not found',
    });
  });

  test('deleting returns the description as DELETING and removes the table', async () => {
    const name = await create(target());
    const { TableDescription } = await target().ddb.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(TableDescription?.TableName, name);
    assert.equal(TableDescription?.TableStatus, 'DELETING');
    await assert.rejects(target().ddb.send(new DescribeTableCommand({ TableName: name })), { name: 'ResourceNotFoundException' });
    const { TableNames } = await target().ddb.send(new ListTablesCommand({}));
    assert.ok(!TableNames?.includes(name));
  });

  test('a table created at once under a deleted one\'s name starts empty, its index too, while the old data is purged', async () => {
    const name = uniqueName('tl');
    const input: CreateTableCommandInput = {
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
    };
    await target().ddb.send(new CreateTableCommand(input));
    const writes = [];
    for (let i = 0; i < 2000; i += 25) {
      const requests = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { pk: { S: `old${i + j}` }, g: { S: 'same' } } } }));
      writes.push(target().ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: requests } })));
    }
    await Promise.all(writes);
    const { TableDescription } = await target().ddb.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(TableDescription?.ItemCount, 2000);
    await target().ddb.send(new CreateTableCommand(input));
    await target().ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'new' }, g: { S: 'same' } } }));
    const scanned = await target().ddb.send(new ScanCommand({ TableName: name }));
    assert.deepEqual(scanned.Items, [{ pk: { S: 'new' }, g: { S: 'same' } }]);
    const queried = await target().ddb.send(new QueryCommand({ TableName: name, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'same' } } }));
    assert.deepEqual(queried.Items, [{ pk: { S: 'new' }, g: { S: 'same' } }]);
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.ItemCount, 1);
    await target().ddb.send(new DeleteTableCommand({ TableName: name }));
  });

  test("DeleteTable's description leaves out the schema, the indexes and the creation time", async () => {
    const provisioned = await create(target());
    const { TableDescription } = await target().ddb.send(new DeleteTableCommand({ TableName: provisioned }));
    assert.deepEqual(Object.keys(TableDescription ?? {}).sort(), ['ItemCount', 'ProvisionedThroughput', 'TableArn', 'TableId', 'TableName', 'TableSizeBytes', 'TableStatus']);
    assert.deepEqual(TableDescription?.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });

    const onDemand = await create(target(), {
      BillingMode: 'PAY_PER_REQUEST',
      ProvisionedThroughput: undefined,
      AttributeDefinitions: ['pk', 'sk', 'x'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byX', KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      LocalSecondaryIndexes: [{ IndexName: 'byPkX', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'x', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    });
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: onDemand }));
    const { TableDescription: deleted } = await target().ddb.send(new DeleteTableCommand({ TableName: onDemand }));
    assert.deepEqual(Object.keys(deleted ?? {}).sort(), ['BillingModeSummary', 'ItemCount', 'ProvisionedThroughput', 'TableArn', 'TableId', 'TableName', 'TableSizeBytes', 'TableStatus']);
    assert.deepEqual(deleted?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: Table?.CreationDateTime });
    assert.equal(deleted?.TableId, Table?.TableId);
  });

  test('deletion protection refuses deletion until it is disabled', async () => {
    const name = await create(target(), { DeletionProtectionEnabled: true });
    await assert.rejects(target().ddb.send(new DeleteTableCommand({ TableName: name })), {
      name: 'ValidationException',
      message: 'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    });
    await target().ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
    await target().ddb.send(new DeleteTableCommand({ TableName: name }));
  });

  test('tables of one region are invisible in another', async () => {
    const name = await create(target());
    const eu = target().client({ region: 'eu-west-1' });
    try {
      await assert.rejects(eu.send(new DescribeTableCommand({ TableName: name })), { name: 'ResourceNotFoundException' });
      const { TableNames } = await eu.send(new ListTablesCommand({}));
      assert.ok(!TableNames?.includes(name));
    } finally {
      eu.destroy();
    }
  });

  test('ListTables pages in name order', async () => {
    const eu = target().client({ region: 'ap-south-1' });
    try {
      const names = ['t_c', 't_a', 't_e', 't_b', 't_d'];
      for (const TableName of names) {
        await eu.send(
          new CreateTableCommand({
            TableName,
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      }
      const seen: string[] = [];
      let start: string | undefined;
      let pages = 0;
      do {
        const page = await eu.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: start }));
        seen.push(...(page.TableNames ?? []));
        start = page.LastEvaluatedTableName;
        pages++;
      } while (start !== undefined);
      assert.deepEqual(seen, [...names].sort());
      assert.equal(pages, 3);
      await assert.rejects(eu.send(new ListTablesCommand({ Limit: 0 })), {
        name: 'ValidationException',
        message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      });
    } finally {
      eu.destroy();
    }
  });
});

describeEachBackend('UpdateTable', (target) => {
  test('changes provisioned throughput and records the increase', async () => {
    const name = await create(target());
    const { TableDescription } = await target().ddb.send(
      new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } }),
    );
    assert.equal(TableDescription?.ProvisionedThroughput?.ReadCapacityUnits, 10);
    assert.ok(TableDescription?.ProvisionedThroughput?.LastIncreaseDateTime instanceof Date);
    await target().ddb.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.ProvisionedThroughput?.NumberOfDecreasesToday, 1);
    assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 1);
  });

  test('decreases: any four in a UTC day, then the fifth is refused for an hour', async () => {
    const name = await create(target());
    await target().ddb.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 } }));
    for (const units of [90, 80, 70, 60]) {
      await target().ddb.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: units, WriteCapacityUnits: units } }));
    }
    await assert.rejects(
      target().ddb.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 50, WriteCapacityUnits: 50 } })),
      (error: Error) => {
        assert.equal(error.name, 'LimitExceededException');
        assert.match(
          error.message,
          /^Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds\. Number of decreases today: 4\. Last decrease at \w+day, \w+ \d+, \d{4} at \d+:\d\d:\d\d [AP]M Coordinated Universal Time\. Next decrease can be made at .* Coordinated Universal Time$/,
        );
        return true;
      },
    );
    // An increase is never limited.
    await target().ddb.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 200, WriteCapacityUnits: 200 } }));
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.ProvisionedThroughput?.NumberOfDecreasesToday, 4);
  });

  test('switching to on-demand: four times in 24 hours, then refused; back to provisioned any time', async () => {
    const name = await create(target());
    const toOnDemand = () => target().ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' }));
    const toProvisioned = () =>
      target().ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }));
    for (let i = 0; i < 4; i++) {
      await toOnDemand();
      await toProvisioned();
    }
    await assert.rejects(toOnDemand(), (error: Error) => {
      assert.equal(error.name, 'LimitExceededException');
      assert.match(error.message, /^Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day\(s\)\. Last update at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\. Next update can be made at /);
      return true;
    });
  });

  test('warm throughput: what a table starts with, raised by UpdateTable, never lowered', async () => {
    const provisioned = await create(target());
    let { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: provisioned }));
    assert.deepEqual(Table?.WarmThroughput, { ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 5, Status: 'ACTIVE' });
    const onDemand = await create(target(), {
      BillingMode: 'PAY_PER_REQUEST',
      ProvisionedThroughput: undefined,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, WarmThroughput: { ReadUnitsPerSecond: 15_000 } }],
    });
    ({ Table } = await target().ddb.send(new DescribeTableCommand({ TableName: onDemand })));
    assert.deepEqual(Table?.WarmThroughput, { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000, Status: 'ACTIVE' });
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.[0]?.WarmThroughput, { ReadUnitsPerSecond: 15_000, WriteUnitsPerSecond: 4_000, Status: 'ACTIVE' });
    await target().ddb.send(new UpdateTableCommand({ TableName: onDemand, WarmThroughput: { ReadUnitsPerSecond: 20_000, WriteUnitsPerSecond: 3_000 } }));
    ({ Table } = await target().ddb.send(new DescribeTableCommand({ TableName: onDemand })));
    assert.deepEqual(Table?.WarmThroughput, { ReadUnitsPerSecond: 20_000, WriteUnitsPerSecond: 4_000, Status: 'ACTIVE' });
  });

  test('rejects unchanged throughput, missing tables and empty updates', async () => {
    const name = await create(target());
    await updateRejects(
      target(),
      { TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } },
      'ValidationException',
      'The provisioned throughput for the table will not change. The requested value equals the current value. ' +
        'Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. ' +
        'Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. ' +
        'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
    );
    const nothingToDo =
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ' +
      'ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, ' +
      'OnDemandThroughput, WarmThroughput or TableClass is required';
    await updateRejects(target(), { TableName: name }, 'ValidationException', nothingToDo);
    // An empty list of index updates counts as no change, and is refused next to a change.
    await updateRejects(target(), { TableName: name, GlobalSecondaryIndexUpdates: [] }, 'ValidationException', nothingToDo);
    await updateRejects(
      target(),
      { TableName: name, GlobalSecondaryIndexUpdates: [], DeletionProtectionEnabled: true },
      'ValidationException',
      `${INVALID}List of GlobalSecondaryIndexUpdates is empty`,
    );
    assert.equal((await target().ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.DeletionProtectionEnabled, false);
    await updateRejects(
      target(),
      { TableName: 'no_such_table', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } },
      'ResourceNotFoundException',
      'Requested resource not found: Table: no_such_table not found',
    );
    await updateRejects(
      target(),
      { TableName: name, BillingMode: 'PROVISIONED' },
      'ValidationException',
      `${INVALID}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`,
    );
    await updateRejects(
      target(),
      { TableName: name, BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } },
      'ValidationException',
      `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
  });

  test('switches billing mode both ways', async () => {
    const name = await create(target());
    const { TableDescription: onDemand } = await target().ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' }));
    assert.equal(onDemand?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    assert.ok(onDemand?.BillingModeSummary?.LastUpdateToPayPerRequestDateTime instanceof Date);
    assert.equal(onDemand?.ProvisionedThroughput?.ReadCapacityUnits, 0);
    await target().ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' }));
    const { TableDescription: provisioned } = await target().ddb.send(
      new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } }),
    );
    assert.deepEqual(provisioned?.BillingModeSummary, {
      BillingMode: 'PROVISIONED',
      LastUpdateToPayPerRequestDateTime: onDemand?.BillingModeSummary?.LastUpdateToPayPerRequestDateTime,
    });
    assert.equal(provisioned?.ProvisionedThroughput?.WriteCapacityUnits, 4);

    // A table created on-demand keeps its creation time as the last switch.
    const born = await create(target(), { BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: undefined });
    const { TableDescription: switched } = await target().ddb.send(
      new UpdateTableCommand({ TableName: born, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
    );
    assert.deepEqual(switched?.BillingModeSummary, { BillingMode: 'PROVISIONED', LastUpdateToPayPerRequestDateTime: switched?.CreationDateTime });
  });

  test('creates, updates and deletes a global secondary index', async () => {
    const name = await create(target());
    const { TableDescription: withIndex } = await target().ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'N' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'gIndex',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
              ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
            },
          },
        ],
      }),
    );
    assert.equal(withIndex?.GlobalSecondaryIndexes?.[0]?.IndexName, 'gIndex');
    assert.deepEqual(withIndex?.AttributeDefinitions?.map((d) => d.AttributeName), ['g', 'pk']);
    await updateRejects(
      target(),
      {
        TableName: name,
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'gIndex', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
      },
      'ValidationException',
      'Attempting to create an index which already exists',
    );
    await target().ddb.send(
      new UpdateTableCommand({
        TableName: name,
        GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'gIndex', ProvisionedThroughput: { ReadCapacityUnits: 9, WriteCapacityUnits: 1 } } }],
      }),
    );
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput?.ReadCapacityUnits, 9);
    const { TableDescription: without } = await target().ddb.send(
      new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gIndex' } }] }),
    );
    assert.equal(without?.GlobalSecondaryIndexes, undefined);
    assert.deepEqual(without?.AttributeDefinitions?.map((d) => d.AttributeName), ['pk']);
    await updateRejects(
      target(),
      { TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gIndex' } }] },
      'ResourceNotFoundException',
      `Requested resource not found: Index gIndex for table ${name}`,
    );
    await updateRejects(
      target(),
      { TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'gIndex', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } } }] },
      'ResourceNotFoundException',
      `Requested resource not found: Index gIndex for table ${name}`,
    );
  });

  test("a new index's key attributes must be defined by the request itself", async () => {
    const name = await create(target(), { BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: undefined });
    const createOn = (AttributeName: string) => ({
      Create: { IndexName: 'other', KeySchema: [{ AttributeName, KeyType: 'HASH' as const }], Projection: { ProjectionType: 'ALL' as const } },
    });
    await updateRejects(
      target(),
      { TableName: name, GlobalSecondaryIndexUpdates: [createOn('nope')] },
      'ValidationException',
      `${INVALID}AttributeDefinitions is not specified for index: other`,
    );
    await updateRejects(
      target(),
      { TableName: name, AttributeDefinitions: [{ AttributeName: 'x', AttributeType: 'S' }], GlobalSecondaryIndexUpdates: [createOn('pk')] },
      'ValidationException',
      `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [x]`,
    );
    await updateRejects(
      target(),
      { TableName: name, AttributeDefinitions: [{ AttributeName: 'x', AttributeType: 'S' }], GlobalSecondaryIndexUpdates: [{ Create: { ...createOn('x').Create, Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'a'] } } }] },
      'ValidationException',
      `${INVALID}Duplicate element in NonKeyAttributes: a`,
    );
  });

  test('redefining an attribute with another type keeps its type, and is refused for a new key', async () => {
    const TableName = uniqueName('tl');
    await target().ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'a', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [{ IndexName: 'byA', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      }),
    );
    const types = async () => (await target().ddb.send(new DescribeTableCommand({ TableName }))).Table?.AttributeDefinitions?.map((d) => `${d.AttributeName}:${d.AttributeType}`);
    await target().ddb.send(
      new UpdateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'N' }], DeletionProtectionEnabled: false }),
    );
    assert.deepEqual(await types(), ['a:S', 'pk:S']);
    await updateRejects(
      target(),
      {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'N' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byA2', KeySchema: [{ AttributeName: 'a', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } } }],
      },
      'ValidationException',
      'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
    );
    await updateRejects(
      target(),
      {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'b', AttributeType: 'S' }, { AttributeName: 'a', AttributeType: 'N' }],
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: 'byBA', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }, { AttributeName: 'a', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } } },
        ],
      },
      'ValidationException',
      `${INVALID}Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. ` +
        'Existing schema: Schema:[SchemaElement: key{a:S:HASH}] New schema: Schema:[SchemaElement: key{a:N:RANGE}]',
    );
    // A redefinition the new index does not use is ignored.
    const { TableDescription } = await target().ddb.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'N' }, { AttributeName: 'b', AttributeType: 'B' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byB', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
    assert.deepEqual(TableDescription?.AttributeDefinitions?.map((d) => `${d.AttributeName}:${d.AttributeType}`), ['a:S', 'b:B', 'pk:S']);
    assert.deepEqual(await types(), ['a:S', 'b:B', 'pk:S']);
  });

  test('one action per index update entry', async () => {
    const name = await create(target(), {
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexes: [
        { IndexName: 'gIndex', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      ],
    });
    const message = `${INVALID}Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object`;
    await updateRejects(
      target(),
      {
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: { IndexName: 'hIndex', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
            Delete: { IndexName: 'gIndex' },
          },
        ],
      },
      'ValidationException',
      message,
    );
    await updateRejects(
      target(),
      { TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'gIndex', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } }, Delete: { IndexName: 'gIndex' } }] },
      'ValidationException',
      message,
    );
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName), ['gIndex']);
  });

  test('a 21st global index is a LimitExceededException', async () => {
    const name = await create(target(), {
      BillingMode: 'PAY_PER_REQUEST',
      ProvisionedThroughput: undefined,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      GlobalSecondaryIndexes: Array.from({ length: 20 }, (_, i) => ({
        IndexName: `index${i}`,
        KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' as const }],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      })),
    });
    await updateRejects(
      target(),
      {
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'index20', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
      },
      'LimitExceededException',
      'Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20',
    );
  });

  test('enables and disables a stream, changes class and encryption', async () => {
    const name = await create(target());
    const { TableDescription: streaming } = await target().ddb.send(
      new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
    );
    assert.equal(streaming?.StreamSpecification?.StreamViewType, 'KEYS_ONLY');
    assert.ok(streaming?.LatestStreamArn?.endsWith(`/stream/${streaming.LatestStreamLabel}`));
    await updateRejects(
      target(),
      { TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } },
      'ValidationException',
      `Table already has an enabled stream: TableName: ${name}`,
    );
    const { TableDescription: plain } = await target().ddb.send(
      new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }),
    );
    assert.equal(plain?.StreamSpecification, undefined);
    const { TableDescription: changed } = await target().ddb.send(
      new UpdateTableCommand({ TableName: name, TableClass: 'STANDARD_INFREQUENT_ACCESS', SSESpecification: { Enabled: true } }),
    );
    assert.equal(changed?.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    assert.equal(changed?.SSEDescription?.Status, 'ENABLED');
  });
});
