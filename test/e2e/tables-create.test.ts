import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DescribeLimitsCommand, DescribeTableCommand, UpdateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';

const INVALID = 'One or more parameter values were invalid: ';

async function rejects(target: Target, input: Partial<CreateTableCommandInput>, name: string, message: string | RegExp): Promise<void> {
  await assert.rejects(target.ddb.send(new CreateTableCommand(input as CreateTableCommandInput)), (error: Error) => {
    assert.equal(error.name, name);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

const hashOnly = (): CreateTableCommandInput => ({
  TableName: uniqueName('ct'),
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
});

const composite = (): CreateTableCommandInput => ({
  TableName: uniqueName('ct'),
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'alt', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
});

describeEachBackend('CreateTable', (target) => {
  test('creates an on-demand table and describes it', async () => {
    const input = hashOnly();
    const { TableDescription: created } = await target().ddb.send(new CreateTableCommand(input));
    assert.equal(created?.TableName, input.TableName);
    assert.equal(created?.TableStatus, 'ACTIVE');
    assert.equal(created?.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${input.TableName}`);
    assert.match(created?.TableId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(created?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(created?.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
    assert.equal(created?.ItemCount, 0);
    assert.equal(created?.TableSizeBytes, 0);
    assert.equal(created?.DeletionProtectionEnabled, false);
    assert.ok(created?.CreationDateTime instanceof Date);
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
    assert.deepEqual(Table?.KeySchema, input.KeySchema);
    assert.equal(Table?.TableId, created?.TableId);
  });

  test('creates a provisioned table with indexes, stream, encryption and class', async () => {
    const input: CreateTableCommandInput = {
      ...composite(),
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      LocalSecondaryIndexes: [
        {
          IndexName: 'byAlt',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'alt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'altIndex',
          KeySchema: [{ AttributeName: 'alt', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'my-key' },
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      DeletionProtectionEnabled: true,
    };
    await target().ddb.send(new CreateTableCommand(input));
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${input.TableName}`;
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 7);
    assert.equal(Table?.BillingModeSummary, undefined);
    assert.equal(Table?.LocalSecondaryIndexes?.[0]?.IndexArn, `${arn}/index/byAlt`);
    assert.equal(Table?.LocalSecondaryIndexes?.[0]?.Projection?.ProjectionType, 'KEYS_ONLY');
    const gsi = Table?.GlobalSecondaryIndexes?.[0];
    assert.equal(gsi?.IndexStatus, 'ACTIVE');
    assert.deepEqual(gsi?.Projection?.NonKeyAttributes, ['a', 'b']);
    assert.equal(gsi?.ProvisionedThroughput?.WriteCapacityUnits, 2);
    assert.equal(gsi?.ItemCount, 0);
    assert.equal(Table?.StreamSpecification?.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal(Table?.LatestStreamArn, `${arn}/stream/${Table?.LatestStreamLabel}`);
    assert.deepEqual(Table?.SSEDescription, {
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/my-key',
    });
    assert.equal(Table?.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    assert.equal(Table?.DeletionProtectionEnabled, true);
  });

  test('an existing table name is in use', async () => {
    const input = hashOnly();
    await target().ddb.send(new CreateTableCommand(input));
    await rejects(target(), input, 'ResourceInUseException', `Table already exists: ${input.TableName}`);
  });

  test('the same name may exist in two regions', async () => {
    const input = hashOnly();
    await target().ddb.send(new CreateTableCommand(input));
    const eu = target().client({ region: 'eu-west-1' });
    try {
      const { TableDescription } = await eu.send(new CreateTableCommand(input));
      assert.equal(TableDescription?.TableArn, `arn:aws:dynamodb:eu-west-1:000000000000:table/${input.TableName}`);
    } finally {
      eu.destroy();
    }
  });

  test('table name and shape constraints', async () => {
    await rejects(target(), { ...hashOnly(), TableName: undefined }, 'ValidationException', "The parameter 'TableName' is required but was not present in the request");
    await rejects(
      target(),
      { ...hashOnly(), TableName: 'ab' },
      'ValidationException',
      "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
    await rejects(
      target(),
      { ...hashOnly(), TableName: 'bad;name' },
      'ValidationException',
      "1 validation error detected: Value 'bad;name' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    await rejects(
      target(),
      { ...hashOnly(), KeySchema: [{ AttributeName: 'pk', KeyType: 'INVALID' as 'HASH' }] },
      'ValidationException',
      "1 validation error detected: Value 'INVALID' at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
    );
    await rejects(
      target(),
      { ...hashOnly(), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'X' as 'S' }] },
      'ValidationException',
      "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    );
    await rejects(target(), { ...hashOnly(), KeySchema: [] }, 'ValidationException', /at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1/);
  });

  test('the per-table maximum DescribeLimits reports is enforced', async () => {
    const { TableMaxReadCapacityUnits } = await target().ddb.send(new DescribeLimitsCommand({}));
    await rejects(
      target(),
      { ...hashOnly(), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: TableMaxReadCapacityUnits! + 1, WriteCapacityUnits: 5 } },
      'LimitExceededException',
      `The requested ReadCapacityUnits, ${TableMaxReadCapacityUnits! + 1}, is above the per table maximum for the account in us-east-1. Per table maximum: ${TableMaxReadCapacityUnits}. ` +
        'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
    );
    await rejects(
      target(),
      { ...hashOnly(), OnDemandThroughput: { MaxWriteRequestUnits: 50_000 } },
      'LimitExceededException',
      'Subscriber limit exceeded: Requested MaxWriteRequestUnits for OnDemandThroughput for table exceeds TableMaxWriteCapacityUnits of the account in region us-east-1',
    );
    await target().ddb.send(new CreateTableCommand({ ...hashOnly(), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 40_000, WriteCapacityUnits: 40_000 } }));
  });

  test("the account's maximum DescribeLimits reports is enforced over its tables and global indexes", async () => {
    // A region of its own, so other tests' tables do not count.
    const ddb = target().client({ region: 'ap-south-2' });
    const { AccountMaxReadCapacityUnits } = await ddb.send(new DescribeLimitsCommand({}));
    const big = { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 30_000, WriteCapacityUnits: 10 } } as const;
    await ddb.send(new CreateTableCommand({ ...hashOnly(), ...big }));
    const withIndex = hashOnly();
    await ddb.send(
      new CreateTableCommand({
        ...withIndex,
        ...big,
        GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 20_000, WriteCapacityUnits: 10 } }],
      }),
    );
    await assert.rejects(ddb.send(new CreateTableCommand({ ...hashOnly(), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })), (error: Error) => {
      assert.equal(error.name, 'LimitExceededException');
      assert.match(error.message, new RegExp(`ReadCapacityUnits in ap-south-2 would total 80001, above its maximum of ${AccountMaxReadCapacityUnits}`));
      return true;
    });
    // On-demand tables hold no provisioned units; lowering a table makes room again.
    await ddb.send(new CreateTableCommand({ ...hashOnly(), BillingMode: 'PAY_PER_REQUEST' }));
    await assert.rejects(ddb.send(new UpdateTableCommand({ TableName: withIndex.TableName, ProvisionedThroughput: { ReadCapacityUnits: 30_001, WriteCapacityUnits: 10 } })), { name: 'LimitExceededException' });
    await ddb.send(new UpdateTableCommand({ TableName: withIndex.TableName, ProvisionedThroughput: { ReadCapacityUnits: 29_999, WriteCapacityUnits: 10 } }));
    await ddb.send(new CreateTableCommand({ ...hashOnly(), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
    ddb.destroy();
  });

  test('billing mode and throughput rules', async () => {
    await rejects(
      target(),
      { ...hashOnly(), ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      'ValidationException',
      `${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
    await rejects(
      target(),
      { ...hashOnly(), BillingMode: undefined },
      'ValidationException',
      `${INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`,
    );
    await rejects(
      target(),
      { ...hashOnly(), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1000000000001, WriteCapacityUnits: 1 } },
      'ValidationException',
      'Given value 1000000000001 for ReadCapacityUnits is out of bounds',
    );
  });

  test('key schema against attribute definitions', async () => {
    await rejects(
      target(),
      { ...hashOnly(), KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }] },
      'ValidationException',
      'Invalid KeySchema: Some index key attribute have no definition',
    );
    await rejects(
      target(),
      { ...hashOnly(), KeySchema: [{ AttributeName: 'other', KeyType: 'HASH' }] },
      'ValidationException',
      `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [other], AttributeDefinitions: [pk]`,
    );
    await rejects(
      target(),
      { ...composite(), KeySchema: [{ AttributeName: 'sk', KeyType: 'RANGE' }, { AttributeName: 'pk', KeyType: 'HASH' }] },
      'ValidationException',
      'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
    );
    await rejects(
      target(),
      { ...hashOnly(), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'extra', AttributeType: 'N' }] },
      'ValidationException',
      `${INVALID}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
    );
  });

  test('local secondary index rules', async () => {
    const lsi = (keys: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[], name = 'lsi1') => ({
      IndexName: name,
      KeySchema: keys,
      Projection: { ProjectionType: 'ALL' as const },
    });
    await rejects(
      target(),
      { ...hashOnly(), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'alt', AttributeType: 'S' }], LocalSecondaryIndexes: [lsi([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }])] },
      'ValidationException',
      `${INVALID}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`,
    );
    await rejects(
      target(),
      { ...composite(), LocalSecondaryIndexes: [lsi([{ AttributeName: 'alt', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }])] },
      'ValidationException',
      `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: lsi1. index hash key: alt, table hash key: pk`,
    );
    await rejects(
      target(),
      { ...composite(), LocalSecondaryIndexes: [lsi([{ AttributeName: 'pk', KeyType: 'HASH' }])] },
      'ValidationException',
      `${INVALID}Index KeySchema does not have a range key for index: lsi1`,
    );
    const six = Array.from({ length: 6 }, (_, i) => lsi([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }], `lsi${i}`));
    await rejects(target(), { ...composite(), LocalSecondaryIndexes: six }, 'ValidationException', `${INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of 5`);
  });

  test('global secondary index rules', async () => {
    const gsi = (name: string, extra: object = {}) => ({
      IndexName: name,
      KeySchema: [{ AttributeName: 'alt', KeyType: 'HASH' as const }],
      Projection: { ProjectionType: 'ALL' as const },
      ...extra,
    });
    await rejects(target(), { ...composite(), GlobalSecondaryIndexes: [gsi('same'), gsi('same')] }, 'ValidationException', `${INVALID}Duplicate index name: same`);
    await rejects(
      target(),
      { ...composite(), GlobalSecondaryIndexes: [gsi('gsi1', { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })] },
      'ValidationException',
      `${INVALID}ProvisionedThroughput should not be specified for index: gsi1 when BillingMode is PAY_PER_REQUEST`,
    );
    await rejects(
      target(),
      { ...composite(), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, GlobalSecondaryIndexes: [gsi('gsi1')] },
      'ValidationException',
      `${INVALID}ProvisionedThroughput must be specified for index: gsi1`,
    );
    await rejects(
      target(),
      { ...composite(), GlobalSecondaryIndexes: [gsi('gsi1', { Projection: { ProjectionType: 'KEYS_ONLY', NonKeyAttributes: ['x'] } })] },
      'ValidationException',
      `${INVALID}ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified`,
    );
    await rejects(
      target(),
      { ...composite(), GlobalSecondaryIndexes: [gsi('gsi1', { Projection: { ProjectionType: 'INCLUDE' } })] },
      'ValidationException',
      `${INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified`,
    );
    const many = Array.from({ length: 21 }, (_, i) => gsi(`g${i}x`));
    await rejects(target(), { ...composite(), GlobalSecondaryIndexes: many }, 'ValidationException', `${INVALID}GlobalSecondaryIndex count exceeds the per-table limit of 20`);
    const projecting = Array.from({ length: 6 }, (_, i) =>
      gsi(`p${i}x`, { Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Array.from({ length: 20 }, (_, j) => `a${i}_${j}`) } }),
    );
    await rejects(target(), { ...composite(), GlobalSecondaryIndexes: projecting }, 'ValidationException', /exceeds the limit of 100$/);
    await rejects(
      target(),
      { ...composite(), AttributeDefinitions: [...composite().AttributeDefinitions!, { AttributeName: 'unused', AttributeType: 'S' }], GlobalSecondaryIndexes: [gsi('gsi1')] },
      'ValidationException',
      `${INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, alt, unused], keys used: [pk, sk, alt]`,
    );
  });

  test('descriptions list attribute definitions and projected attributes by name, indexes as given', async () => {
    const input: CreateTableCommandInput = {
      TableName: uniqueName('ct'),
      AttributeDefinitions: ['z', 'a', 'm', 'sk', 'pk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: ['z', 'a', 'm'].map((key) => ({
        IndexName: `g-${key}`,
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['zz', 'aa', 'mm', 'sk'] },
      })),
    };
    const { TableDescription } = await target().ddb.send(new CreateTableCommand(input));
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
    for (const described of [TableDescription, Table]) {
      assert.deepEqual(described?.AttributeDefinitions?.map((definition) => definition.AttributeName), ['a', 'm', 'pk', 'sk', 'z']);
      assert.deepEqual(described?.GlobalSecondaryIndexes?.map((index) => index.IndexName), ['g-z', 'g-a', 'g-m']);
      assert.deepEqual(described?.GlobalSecondaryIndexes?.[0]?.Projection?.NonKeyAttributes, ['aa', 'mm', 'sk', 'zz']);
    }
  });

  test('an attribute defined twice is refused, whatever its types', async () => {
    for (const AttributeType of ['S', 'N'] as const) {
      await rejects(
        target(),
        { ...hashOnly(), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'pk', AttributeType }] },
        'ValidationException',
        'Attribute Name is duplicated: pk',
      );
    }
    // Before the billing mode's rules.
    await rejects(
      target(),
      {
        ...hashOnly(),
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'pk', AttributeType: 'N' }],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      },
      'ValidationException',
      'Attribute Name is duplicated: pk',
    );
  });

  test("a local index's key schema is judged before its projection", async () => {
    const lsi = (keys: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[]) => ({
      ...composite(),
      LocalSecondaryIndexes: [{ IndexName: 'lsi1', KeySchema: keys, Projection: {} }],
    });
    await rejects(target(), lsi([{ AttributeName: 'pk', KeyType: 'HASH' }]), 'ValidationException', `${INVALID}Index KeySchema does not have a range key for index: lsi1`);
    await rejects(
      target(),
      lsi([{ AttributeName: 'alt', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]),
      'ValidationException',
      `${INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: lsi1. index hash key: alt, table hash key: pk`,
    );
    await rejects(target(), lsi([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }]), 'ValidationException', `${INVALID}Unknown ProjectionType: null`);
  });

  test('an on-demand table reports its creation as its switch to on-demand', async () => {
    const input = hashOnly();
    const { TableDescription } = await target().ddb.send(new CreateTableCommand(input));
    assert.deepEqual(TableDescription?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: TableDescription?.CreationDateTime });
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
    assert.deepEqual(Table?.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: Table?.CreationDateTime });
  });

  test('tag rules apply to the tags of a new table, which is then not created', async () => {
    const tagged = (Tags: { Key?: string; Value?: string }[]) => ({ ...hashOnly(), Tags } as CreateTableCommandInput);
    const cases: [{ Key?: string; Value?: string }[], string][] = [
      [[{ Key: 'aws:foo', Value: 'v' }], 'Tag Key cannot be prefixed with aws:, Key: aws:foo'],
      [[{ Key: 'k'.repeat(129), Value: 'v' }], `The Tag Key provided is invalid, Key: ${'k'.repeat(129)}`],
      [[{ Key: 'a#b', Value: 'v' }], 'The Tag Key provided is invalid, Key: a#b'],
      [[{ Key: 'k', Value: 'v'.repeat(257) }], `The Tag Value provided is invalid, Value: ${'v'.repeat(257)}`],
      [[{ Key: 'dup', Value: 'a' }, { Key: 'dup', Value: 'b' }], 'Duplicate Tag Keys provided as input: Duplicate Tag Key found dup'],
      [Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })), 'Number of Tags exceed the current limit for the provided ResourceArn'],
    ];
    for (const [tags, message] of cases) {
      const input = tagged(tags);
      await rejects(target(), input, 'ValidationException', message);
      await assert.rejects(target().ddb.send(new DescribeTableCommand({ TableName: input.TableName })), { name: 'ResourceNotFoundException' });
    }
    const fifty = tagged(Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' })));
    await target().ddb.send(new CreateTableCommand(fifty));
  });

  test('stream specification rules', async () => {
    await rejects(
      target(),
      { ...hashOnly(), StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' } },
      'ValidationException',
      `${INVALID}Table is being created with a stream disabled, UpdateViewType should not be specified`,
    );
    await rejects(target(), { ...hashOnly(), StreamSpecification: { StreamEnabled: true } }, 'ValidationException', /StreamViewType/);
  });
});
