import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, DeleteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

describeEachBackend('item validation', (target) => {
  let table: string;
  let composite: string;
  before(async () => {
    table = await createTable(target().ddb, 'validation');
    composite = await createTable(target().ddb, 'validation_composite', { hash: ['pk', 'S'], range: ['sk', 'N'] });
  });

  const put = (item: Record<string, AttributeValue>) => target().ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  const putError = (item: Record<string, AttributeValue>) => errorOf(() => put(item));

  const invalid: [string, AttributeValue, string][] = [
    ['empty string set', { SS: [] }, 'One or more parameter values were invalid: An string set  may not be empty'],
    ['empty number set', { NS: [] }, 'One or more parameter values were invalid: An number set  may not be empty'],
    ['empty binary set', { BS: [] }, 'One or more parameter values were invalid: Binary sets should not be empty'],
    ['duplicate strings in a set', { SS: ['a', 'a'] }, 'One or more parameter values were invalid: Input collection [a, a] contains duplicates.'],
    ['duplicate numbers in a set', { NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    ['NULL false', { NULL: false }, 'One or more parameter values were invalid: Null attribute value types must have the value of true'],
    ['a number that is not one', { N: 'abc' }, 'The parameter cannot be converted to a numeric value: abc'],
    ['39 significant digits', { N: '1234567890123456789012345678901234567891' }, 'Attempting to store more than 38 significant digits in a Number'],
    ['a number too large', { N: '1E126' }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    ['a number too small', { N: '1E-131' }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
    ['no type at all', {} as AttributeValue, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    ['two types', { S: 'a', N: '1' } as unknown as AttributeValue, 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes'],
  ];
  for (const [what, value, message] of invalid) {
    test(`${what} is refused with DynamoDB's message`, async () => {
      const error = await putError({ pk: { S: 'v' }, bad: value });
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.message, message);
    });
  }

  test('nesting deeper than 32 levels is refused', async () => {
    let deep: AttributeValue = { S: 'bottom' };
    for (let i = 0; i < 32; i++) deep = { M: { m: deep } };
    const error = await putError({ pk: { S: 'deep' }, deep });
    assert.equal(error.name, 'ValidationException');
    assert.match(error.message, /Nesting Levels have exceeded supported limits/);
    let ok: AttributeValue = { S: 'bottom' };
    for (let i = 0; i < 31; i++) ok = { L: [ok] };
    await put({ pk: { S: 'deep' }, ok });
  });

  test('the 400 KB item limit is exact', async () => {
    // size = len("pk") + len("a") + len("data") + len(value)
    const fits = 409600 - 2 - 1 - 4;
    await put({ pk: { S: 'a' }, data: { S: 'x'.repeat(fits) } });
    const error = await putError({ pk: { S: 'a' }, data: { S: 'x'.repeat(fits + 1) } });
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'Item size has exceeded the maximum allowed size');
    const update = await errorOf(() =>
      target().ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: 'a' } },
          UpdateExpression: 'SET more = :v',
          ExpressionAttributeValues: { ':v': { S: 'yy' } },
        }),
      ),
    );
    assert.equal(update.message, 'Item size to update has exceeded the maximum allowed size');
  });

  test('key attributes must be present, of the declared type and not empty', async () => {
    assert.equal((await putError({ other: { S: 'x' } })).message, 'One or more parameter values were invalid: Missing the key pk in the item');
    assert.equal(
      (await putError({ pk: { N: '1' } })).message,
      'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N',
    );
    assert.equal(
      (await putError({ pk: { S: '' } })).message,
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    );
    const sortMismatch = await errorOf(() =>
      target().ddb.send(new PutItemCommand({ TableName: composite, Item: { pk: { S: 'a' }, sk: { S: 'x' } } })),
    );
    assert.equal(sortMismatch.message, 'One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S');
  });

  test('keys up to the size limits are stored, longer ones refused', async () => {
    const strings = await createTable(target().ddb, 'validation_long', { hash: ['pk', 'S'], range: ['sk', 'S'] });
    // NUL bytes take two bytes each in the key encoding: the longest encoded keys there are.
    const longKey = { pk: { S: '\u0000'.repeat(2048) }, sk: { S: '\u0000'.repeat(1024) } };
    const siblingKey = { pk: { S: '\u0000'.repeat(2048) }, sk: { S: `${'\u0000'.repeat(1023)}x` } };
    await target().ddb.send(new PutItemCommand({ TableName: strings, Item: { ...longKey, v: { S: 'long' } } }));
    await target().ddb.send(new PutItemCommand({ TableName: strings, Item: { ...siblingKey, v: { S: 'sibling' } } }));
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: strings, Key: longKey }));
    assert.equal(Item?.v?.S, 'long');
    const sibling = await target().ddb.send(new GetItemCommand({ TableName: strings, Key: siblingKey }));
    assert.equal(sibling.Item?.v?.S, 'sibling');
    const tooLong = await putError({ pk: { S: 'x'.repeat(2049) } });
    assert.equal(tooLong.message, 'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes');
    const sortTooLong = await errorOf(() =>
      target().ddb.send(new PutItemCommand({ TableName: strings, Item: { pk: { S: 'a' }, sk: { S: 'y'.repeat(1025) } } })),
    );
    assert.equal(
      sortTooLong.message,
      'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    );
  });

  test('a Key that does not match the schema is refused', async () => {
    const cases: Record<string, AttributeValue>[] = [
      { pk: { N: '1' } },
      { other: { S: 'a' } },
      { pk: { S: 'a' }, extra: { S: 'b' } },
    ];
    for (const key of cases) {
      const get = await errorOf(() => target().ddb.send(new GetItemCommand({ TableName: table, Key: key })));
      assert.equal(get.message, 'The provided key element does not match the schema', JSON.stringify(key));
      const del = await errorOf(() => target().ddb.send(new DeleteItemCommand({ TableName: table, Key: key })));
      assert.equal(del.message, 'The provided key element does not match the schema');
    }
    const missingSort = await errorOf(() => target().ddb.send(new GetItemCommand({ TableName: composite, Key: { pk: { S: 'a' } } })));
    assert.equal(missingSort.message, 'The provided key element does not match the schema');
  });

  test('empty strings and binaries are fine outside keys', async () => {
    await put({ pk: { S: 'empties' }, s: { S: '' }, b: { B: new Uint8Array() }, l: { L: [{ S: '' }] }, m: { M: { e: { S: '' } } } });
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'empties' } } }));
    assert.deepEqual(Item?.s, { S: '' });
    assert.deepEqual(Item?.m, { M: { e: { S: '' } } });
  });

  test('table name constraints come before anything else', async () => {
    const empty = await errorOf(() => target().ddb.send(new PutItemCommand({ TableName: '', Item: { pk: { S: 'a' } } })));
    assert.equal(
      empty.message,
      "1 validation error detected: Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const bad = await errorOf(() => target().ddb.send(new PutItemCommand({ TableName: 'bad table!@#', Item: { pk: { S: 'a' } } })));
    assert.equal(
      bad.message,
      "1 validation error detected: Value 'bad table!@#' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
  });

  test('PutItem accepts only NONE and ALL_OLD as ReturnValues', async () => {
    const error = await errorOf(() =>
      target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } }, ReturnValues: 'ALL_NEW' })),
    );
    assert.equal(error.message, 'ReturnValues can only be ALL_OLD or NONE');
  });
});
