/** For tests of the settings a global table's replicas share: a global index made on one replica and dropped on another. */
import assert from 'node:assert/strict';
import { DescribeTableCommand, PutItemCommand, UpdateTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { errorOf, putMany, queryAll, waitFor } from './tables.js';

/** Items for INDEXED tables that also carry `h`, one of four values, for the index `byH` made later. */
export function putItemsWithH(ddb: DynamoDBClient, TableName: string, count: number): Promise<void> {
  return putMany(ddb, TableName, count, (i) => ({ pk: { S: `k${i}` }, g: { S: `g${i % 3}` }, h: { S: `h${i % 4}` } }));
}

const underH1 = (ddb: DynamoDBClient, TableName: string) =>
  queryAll(ddb, { TableName, IndexName: 'byH', KeyConditionExpression: 'h = :h', ExpressionAttributeValues: { ':h': { S: 'h1' } } });

async function describe(ddb: DynamoDBClient, TableName: string): Promise<TableDescription> {
  return (await ddb.send(new DescribeTableCommand({ TableName }))).Table!;
}

/**
 * On a global table whose replicas hold `count` items of putItemsWithH:
 * `byH` created through `source` becomes ACTIVE on every replica with the
 * items each holds, and is kept up by later writes; deleted through
 * `dropper`, it goes from every replica with its attribute definition.
 */
export async function indexMadeAndDroppedEverywhere(replicas: readonly DynamoDBClient[], source: DynamoDBClient, dropper: DynamoDBClient, TableName: string, count: number): Promise<void> {
  await source.send(
    new UpdateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
    }),
  );
  const expected = Math.ceil((count - 1) / 4);
  for (const ddb of replicas) {
    const table = await waitFor('the new index to be ACTIVE', () => describe(ddb, TableName), (found) => found.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byH')?.IndexStatus === 'ACTIVE');
    assert.deepEqual(table.AttributeDefinitions!.map((definition) => definition.AttributeName).sort(), ['g', 'h', 'pk']);
    assert.equal((await underH1(ddb, TableName)).length, expected, 'every item the replica holds, in its own index');
  }
  await dropper.send(new PutItemCommand({ TableName, Item: { pk: { S: 'later' }, g: { S: 'g0' }, h: { S: 'h1' } } }));
  for (const ddb of replicas) await waitFor('a later write in every index', () => underH1(ddb, TableName), (items) => items.length === expected + 1);

  await dropper.send(new UpdateTableCommand({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byH' } }] }));
  for (const ddb of replicas) {
    const table = await waitFor('the index to go', () => describe(ddb, TableName), (found) => found.GlobalSecondaryIndexes?.length === 1);
    assert.deepEqual(table.GlobalSecondaryIndexes!.map((index) => index.IndexName), ['byG']);
    assert.deepEqual(table.AttributeDefinitions!.map((definition) => definition.AttributeName).sort(), ['g', 'pk']);
    assert.equal((await errorOf(() => underH1(ddb, TableName))).name, 'ValidationException');
  }
}
