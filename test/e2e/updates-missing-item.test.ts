/**
 * An update that only removes (REMOVE, DELETE, AttributeUpdates DELETE) on an
 * item that does not exist leaves it missing: no item, no stream record, no
 * Attributes, and no error for a nested path (`REMOVE x.y`). Anything else,
 * even an update without actions, creates the item. Alternator's tests,
 * recorded against DynamoDB (test_update_item_non_existent,
 * test_nested_attribute_remove_from_missing_item,
 * test_streams_noop_update_expr_on_missing_item).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { createStreamTable, readStream, streamsClient } from '../helpers/streams.js';

const s = (value: string): AttributeValue => ({ S: value });

describeEachBackend('removing from a missing item', (target) => {
  let table: string;
  let arn: string;
  before(async () => {
    ({ TableName: table, arn } = await createStreamTable(target().ddb, uniqueName('missing_item'), 'NEW_AND_OLD_IMAGES'));
  });

  const update = (pk: string, input: Partial<UpdateItemCommandInput>) =>
    target().ddb.send(new UpdateItemCommand({ TableName: table, Key: { pk: s(pk) }, ...input }));
  const get = async (pk: string) => (await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: s(pk) }, ConsistentRead: true }))).Item;

  test('UpdateItem and TransactWriteItems create nothing, and report it', async () => {
    const removals: [string, Partial<UpdateItemCommandInput>][] = [
      ['remove', { UpdateExpression: 'REMOVE a, b.c, d[0]', ReturnValues: 'ALL_NEW' }],
      ['delete', { UpdateExpression: 'DELETE s :s', ExpressionAttributeValues: { ':s': { SS: ['x'] } }, ReturnValues: 'UPDATED_NEW' }],
      ['legacy', { AttributeUpdates: { a: { Action: 'DELETE' }, s: { Action: 'DELETE', Value: { NS: ['1'] } } }, ReturnValues: 'ALL_OLD' }],
      ['conditional', { UpdateExpression: 'REMOVE a', ConditionExpression: 'attribute_not_exists(pk)', ReturnValues: 'ALL_NEW' }],
    ];
    for (const [pk, input] of removals) {
      const answer = await update(pk, { ...input, ReturnConsumedCapacity: 'TOTAL' });
      assert.equal(answer.Attributes, undefined, pk);
      assert.deepEqual(answer.ConsumedCapacity, { TableName: table, CapacityUnits: 1 }, pk);
      assert.equal(await get(pk), undefined, pk);
    }
    await target().ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Update: { TableName: table, Key: { pk: s('transact') }, UpdateExpression: 'REMOVE a.b' } }] }));
    assert.equal(await get('transact'), undefined);

    // What sets or adds creates the item, and removals alongside are no-ops.
    assert.deepEqual((await update('created', { UpdateExpression: 'REMOVE b DELETE c :c ADD d :d', ExpressionAttributeValues: { ':c': { SS: ['a'] }, ':d': { N: '5' } }, ReturnValues: 'ALL_NEW' })).Attributes, {
      pk: s('created'),
      d: { N: '5' },
    });
    assert.deepEqual((await update('empty', { AttributeUpdates: {}, ReturnValues: 'ALL_NEW' })).Attributes, { pk: s('empty') });
    // A key attribute is still refused.
    await assert.rejects(update('key', { UpdateExpression: 'REMOVE pk' }), { name: 'ValidationException', message: 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key' });

    const records = await readStream(streamsClient(target().endpoint), arn);
    assert.deepEqual(
      records.map((record) => `${record.eventName} ${record.dynamodb!.Keys!.pk!.S}`),
      ['INSERT created', 'INSERT empty'],
    );
  });
});
