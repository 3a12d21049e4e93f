/**
 * Key attributes are scalars: a projection, condition or update reaching
 * inside one (`pk.x`, `pk[0]`), of the table or of an index, is refused by
 * every item operation, as Query and Scan refuse it in filters and
 * projections. Messages from dynalite's tests (recorded against DynamoDB) and
 * DynamoDB Local 3.3.1, which also decided the order of the checks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

const s = (value: string): AttributeValue => ({ S: value });
const SCALARS = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";

describeEachBackend('paths into key attributes', (target) => {
  let table: string;
  const key = { pk: s('k'), sk: s('1') };
  before(async () => {
    table = await createTable(target().ddb, 'key_paths', {
      hash: ['pk', 'S'],
      range: ['sk', 'S'],
      indexes: [
        { name: 'by_gk', hash: ['gk', 'S'] },
        { name: 'by_lk', local: true, range: ['lk', 'S'] },
      ],
    });
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, gk: s('g'), lk: s('l'), m: { M: { x: s('y') } } } }));
  });

  const refused = async (send: () => Promise<unknown>, message: string) => {
    const error = await errorOf(send);
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
  };

  test('GetItem, BatchGetItem and TransactGetItems projections', async () => {
    const { ddb } = target();
    const get = (ProjectionExpression: string, Key: Record<string, AttributeValue> = key) =>
      ddb.send(new GetItemCommand({ TableName: table, Key, ProjectionExpression, ExpressionAttributeNames: ProjectionExpression.includes('#p') ? { '#p': 'pk' } : undefined }));
    await refused(() => get('#p.b.c'), `${SCALARS}Key: pk`);
    await refused(() => get('sk[0]'), `${SCALARS}Key: sk`);
    await refused(() => get('gk.x'), `${SCALARS}IndexKey: gk`);
    await refused(() => get('lk[1]'), `${SCALARS}IndexKey: lk`);
    // The table's keys are named first, whatever the order of the paths.
    await refused(() => get('gk.x, m.x, sk.y'), `${SCALARS}Key: sk`);
    // Before the key is matched to the schema.
    await refused(() => get('gk.x', { pk: s('k') }), `${SCALARS}IndexKey: gk`);
    assert.deepEqual((await get('m.x, #p')).Item, { pk: s('k'), m: { M: { x: s('y') } } });

    await refused(
      () => ddb.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [key], ProjectionExpression: 'gk[0]' } } })),
      `${SCALARS}IndexKey: gk`,
    );
    await refused(
      () => ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: key, ProjectionExpression: 'pk.x' } }] })),
      `${SCALARS}Key: pk`,
    );
  });

  test('PutItem, UpdateItem and DeleteItem conditions, and UpdateItem updates', async () => {
    const { ddb } = target();
    const condition = { ConditionExpression: 'attribute_exists(gk.x) OR attribute_exists(pk[0])' };
    await refused(() => ddb.send(new PutItemCommand({ TableName: table, Item: key, ...condition })), `${SCALARS}Key: pk`);
    await refused(() => ddb.send(new DeleteItemCommand({ TableName: table, Key: key, ConditionExpression: 'attribute_not_exists(lk.x)' })), `${SCALARS}IndexKey: lk`);
    await refused(
      () => ddb.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': s('v') }, ...condition })),
      `${SCALARS}Key: pk`,
    );
    const updated = (UpdateExpression: string, ConditionExpression?: string) =>
      ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key,
          UpdateExpression,
          ConditionExpression,
          ExpressionAttributeValues: UpdateExpression.includes(':v') ? { ':v': s('v') } : undefined,
        }),
      );
    await refused(() => updated('SET gk.x = :v'), `${SCALARS}IndexKey: gk`);
    await refused(() => updated('REMOVE lk[0]'), `${SCALARS}IndexKey: lk`);
    await refused(() => updated('SET v = pk.x'), `${SCALARS}Key: pk`);
    await refused(() => updated('SET v = list_append(m, gk[1])'), `${SCALARS}IndexKey: gk`);
    // Updating a key attribute is refused before a path into another one.
    await refused(() => updated('SET sk = :v, gk.x = :v'), 'One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key');
    // The condition's paths are refused first, and an update's only once its condition held.
    await refused(() => updated('SET sk = :v', 'attribute_exists(gk.x)'), `${SCALARS}IndexKey: gk`);
    const failed = await errorOf(() => updated('SET gk.x = :v', 'attribute_exists(nothing)'));
    assert.equal(failed.name, 'ConditionalCheckFailedException');
    assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item?.gk, s('g'));
  });

  test('TransactWriteItems refuses them for the whole request', async () => {
    const { ddb } = target();
    const transact = (TransactItems: ConstructorParameters<typeof TransactWriteItemsCommand>[0]['TransactItems']) =>
      ddb.send(new TransactWriteItemsCommand({ TransactItems }));
    await refused(
      () => transact([{ Put: { TableName: table, Item: { pk: s('t'), sk: s('1') } } }, { Put: { TableName: table, Item: key, ConditionExpression: 'attribute_exists(gk[1])' } }]),
      `${SCALARS}IndexKey: gk`,
    );
    await refused(() => transact([{ Delete: { TableName: table, Key: key, ConditionExpression: 'attribute_not_exists(sk.x)' } }]), `${SCALARS}Key: sk`);
    await refused(() => transact([{ ConditionCheck: { TableName: table, Key: key, ConditionExpression: 'attribute_not_exists(pk.x)' } }]), `${SCALARS}Key: pk`);
    const update = await errorOf(() =>
      transact([{ Update: { TableName: table, Key: key, UpdateExpression: 'SET gk.y = :v', ExpressionAttributeValues: { ':v': s('v') } } }]),
    );
    assert.deepEqual(update.CancellationReasons, [{ Code: 'ValidationError', Message: `${SCALARS}IndexKey: gk` }]);
  });
});
