/**
 * Multi-attribute key schemas of global secondary indexes (November 2025):
 * creating and describing them, and DynamoDB's refusals. Writing and querying
 * such indexes is tested with the engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';

const INVALID = 'One or more parameter values were invalid: ';

const hash = (AttributeName: string): KeySchemaElement => ({ AttributeName, KeyType: 'HASH' });
const range = (AttributeName: string): KeySchemaElement => ({ AttributeName, KeyType: 'RANGE' });

/** An on-demand table keyed on pk with one global index over string attributes. */
function withIndex(KeySchema: KeySchemaElement[], extra: Partial<GlobalSecondaryIndex> = {}): CreateTableCommandInput {
  const attributes = new Set(['pk', ...KeySchema.map((key) => key.AttributeName!)]);
  return {
    TableName: uniqueName('mak'),
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [hash('pk')],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{ IndexName: 'multi', KeySchema, Projection: { ProjectionType: 'ALL' }, ...extra }],
  };
}

const four = (prefix: string) => ['1', '2', '3', '4'].map((n) => `${prefix}${n}`);

describeEachBackend('multi-attribute GSI key schemas', (target) => {
  const refusal = async (input: CreateTableCommandInput) => {
    const error = await errorOf(() => target().ddb.send(new CreateTableCommand(input)));
    return { name: error.name, message: error.message };
  };

  test('CreateTable takes up to four HASH and four RANGE attributes and echoes them as given', async () => {
    const KeySchema = [...four('h').map(hash), ...four('r').map(range)];
    const input = withIndex(KeySchema);
    input.AttributeDefinitions = input.AttributeDefinitions!.map((definition, i) => ({ ...definition, AttributeType: i % 3 === 1 ? 'N' : i % 3 === 2 ? 'B' : 'S' }));
    const { TableDescription } = await target().ddb.send(new CreateTableCommand(input));
    assert.deepEqual(TableDescription?.GlobalSecondaryIndexes?.[0]?.KeySchema, KeySchema);
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName: input.TableName }));
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.[0]?.KeySchema, KeySchema);
    assert.deepEqual(Table?.KeySchema, [hash('pk')]);
    assert.deepEqual(
      new Set(Table?.AttributeDefinitions?.map((definition) => `${definition.AttributeName}:${definition.AttributeType}`)),
      new Set(input.AttributeDefinitions!.map((definition) => `${definition.AttributeName}:${definition.AttributeType}`)),
    );

    for (const schema of [[hash('a'), hash('b')], [hash('a'), range('b'), range('c')], [hash('a'), hash('b'), hash('c'), range('d')]]) {
      const other = withIndex(schema);
      await target().ddb.send(new CreateTableCommand(other));
      const { Table: described } = await target().ddb.send(new DescribeTableCommand({ TableName: other.TableName }));
      assert.deepEqual(described?.GlobalSecondaryIndexes?.[0]?.KeySchema, schema);
    }
  });

  test('too many HASH or RANGE attributes', async () => {
    assert.deepEqual(await refusal(withIndex([...four('h').map(hash), hash('h5')])), {
      name: 'ValidationException',
      message: `${INVALID}The KeySchema exceeds the maximum allowed number of HASH key attributes`,
    });
    assert.deepEqual(await refusal(withIndex([hash('h'), ...four('r').map(range), range('r5')])), {
      name: 'ValidationException',
      message: `${INVALID}The KeySchema exceeds the maximum allowed number of RANGE key attributes`,
    });
    // Nine elements are no Coral length error: the API model sets no maximum for a GSI KeySchema.
    assert.deepEqual(await refusal(withIndex([...four('h').map(hash), ...four('r').map(range), range('r5')])), {
      name: 'ValidationException',
      message: `${INVALID}The KeySchema exceeds the maximum allowed number of RANGE key attributes`,
    });
  });

  test('element order and repeated names', async () => {
    assert.deepEqual(await refusal(withIndex([hash('a'), range('b'), hash('c')])), {
      name: 'ValidationException',
      message: `${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`,
    });
    for (const schema of [[range('a'), hash('b')], [range('a')], [range('a'), range('b'), range('c')]]) {
      assert.deepEqual(await refusal(withIndex(schema)), {
        name: 'ValidationException',
        message: 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type',
      });
    }
    for (const schema of [[hash('a'), hash('a')], [hash('a'), range('a')], [hash('a'), hash('b'), range('a')], [hash('a'), range('b'), range('b')]]) {
      assert.deepEqual(await refusal(withIndex(schema)), {
        name: 'ValidationException',
        message: 'The KeySchema contains multiple key attributes with the same name',
      });
    }
  });

  test('undefined key attributes are reported before the key structure', async () => {
    const input = withIndex([hash('a'), range('b'), hash('c')]);
    input.AttributeDefinitions = input.AttributeDefinitions!.filter((definition) => definition.AttributeName !== 'c');
    assert.deepEqual(await refusal(input), {
      name: 'ValidationException',
      message: `${INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [a, b, c], AttributeDefinitions: [pk, a, b]`,
    });
  });

  test('the table key and local indexes keep one HASH and at most one RANGE attribute', async () => {
    const base = {
      TableName: uniqueName('mak'),
      AttributeDefinitions: ['pk', 'sk', 'x', 'y'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      BillingMode: 'PAY_PER_REQUEST' as const,
    };
    assert.deepEqual(await refusal({ ...base, KeySchema: [hash('pk'), range('sk'), range('x')] }), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), KeySchemaElement(attributeName=sk, keyType=RANGE), " +
        "KeySchemaElement(attributeName=x, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2",
    });
    assert.deepEqual(await refusal({ ...base, AttributeDefinitions: base.AttributeDefinitions.slice(0, 2), KeySchema: [hash('pk'), hash('sk')] }), {
      name: 'ValidationException',
      message: 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type',
    });
    const lsi = (KeySchema: KeySchemaElement[]) => ({
      ...base,
      KeySchema: [hash('pk'), range('sk')],
      LocalSecondaryIndexes: [{ IndexName: 'local', KeySchema, Projection: { ProjectionType: 'ALL' as const } }],
    });
    assert.deepEqual(await refusal(lsi([hash('pk'), range('x'), range('y')])), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), KeySchemaElement(attributeName=x, keyType=RANGE), " +
        "KeySchemaElement(attributeName=y, keyType=RANGE)]' at 'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have length less than or equal to 2",
    });
    assert.deepEqual(await refusal(lsi([hash('pk'), hash('x')])), {
      name: 'ValidationException',
      message: 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type',
    });
  });

  test('projections of multi-attribute indexes', async () => {
    const keys = [hash('a'), hash('b'), range('c')];
    // Key attributes may be named as NonKeyAttributes.
    const accepted = withIndex(keys, { Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['b', 'pk', 'other'] } });
    const { TableDescription } = await target().ddb.send(new CreateTableCommand(accepted));
    assert.deepEqual(TableDescription?.GlobalSecondaryIndexes?.[0]?.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['b', 'other', 'pk'] });
    assert.deepEqual(await refusal(withIndex(keys, { Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x', 'y', 'x'] } })), {
      name: 'ValidationException',
      message: `${INVALID}Duplicate element in NonKeyAttributes: x`,
    });
    // The limit of 100 projected attributes counts NonKeyAttributes only, not the key attributes (DynamoDB Local 3.3.1 agrees).
    const projecting = (count: number) => {
      const input = withIndex([hash('a'), hash('b'), range('c'), range('d')]);
      input.GlobalSecondaryIndexes = Array.from({ length: count }, (_, i) => ({
        IndexName: `multi${i}`,
        KeySchema: [hash('a'), hash('b'), range('c'), range('d')],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Array.from({ length: 20 }, (_, j) => `n${i}_${j}`) },
      }));
      return input;
    };
    await target().ddb.send(new CreateTableCommand(projecting(5)));
    assert.deepEqual(await refusal(projecting(6)), {
      name: 'ValidationException',
      message: `${INVALID}The number of attributes in key schema plus the number of projected attributes in all indexes exceeds the limit of 100`,
    });
    // Key errors come before projection errors.
    assert.deepEqual(await refusal(withIndex([hash('a'), range('b'), hash('c')], { Projection: {} })), {
      name: 'ValidationException',
      message: `${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`,
    });
  });

  test('UpdateTable creates a multi-attribute index and checks it like CreateTable', async () => {
    const TableName = uniqueName('mak');
    await target().ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [hash('pk')],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const AttributeDefinitions = ['a', 'b', 'c', 'd', 'e', 'f'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
    const create = (KeySchema: KeySchemaElement[]) =>
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'multi', KeySchema, Projection: { ProjectionType: 'KEYS_ONLY' } } }],
      });
    const refused = async (KeySchema: KeySchemaElement[]) => {
      const error = await errorOf(() => target().ddb.send(create(KeySchema)));
      return { name: error.name, message: error.message };
    };
    assert.deepEqual(await refused([hash('a'), hash('b'), hash('c'), hash('d'), hash('e')]), {
      name: 'ValidationException',
      message: `${INVALID}The KeySchema exceeds the maximum allowed number of HASH key attributes`,
    });
    assert.deepEqual(await refused([hash('a'), range('b'), range('c'), range('d'), range('e'), range('f')]), {
      name: 'ValidationException',
      message: `${INVALID}The KeySchema exceeds the maximum allowed number of RANGE key attributes`,
    });
    assert.deepEqual(await refused([hash('a'), range('b'), hash('c')]), {
      name: 'ValidationException',
      message: `${INVALID}All HASH key attributes must precede RANGE key attributes in the KeySchema`,
    });
    assert.deepEqual(await refused([hash('a'), range('a')]), {
      name: 'ValidationException',
      message: 'The KeySchema contains multiple key attributes with the same name',
    });

    const KeySchema = [hash('a'), hash('b'), range('c'), range('d')];
    const { TableDescription } = await target().ddb.send(create(KeySchema));
    assert.deepEqual(TableDescription?.GlobalSecondaryIndexes?.[0]?.KeySchema, KeySchema);
    const { Table } = await target().ddb.send(new DescribeTableCommand({ TableName }));
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.[0]?.KeySchema, KeySchema);
    assert.deepEqual(Table?.AttributeDefinitions?.map((definition) => definition.AttributeName).sort(), ['a', 'b', 'c', 'd', 'pk']);
  });
});
