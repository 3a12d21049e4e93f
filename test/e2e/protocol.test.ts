import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync, crc32 } from 'node:zlib';
import { CreateTableCommand, ListTablesCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw.js';

const LIST = 'DynamoDB_20120810.ListTables';

describeEachBackend('wire protocol', (target) => {
  test('answers with a request id and a CRC32 of the body', async () => {
    const res = await rawRequest(target().endpoint, { target: LIST, body: '{}' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['x-amzn-requestid']), /^[A-Z0-9]{52}$/);
    assert.equal(Number(res.headers['x-amz-crc32']), crc32(res.body) >>> 0);
    assert.ok(Array.isArray(res.json().TableNames));
  });

  test('an unknown operation is UnknownOperationException', async () => {
    const res = await rawRequest(target().endpoint, { target: 'DynamoDB_20120810.FlyToTheMoon', body: '{}' });
    assert.equal(res.status, 400);
    assert.equal(res.json().__type, 'com.amazon.coral.service#UnknownOperationException');
    const noTarget = await rawRequest(target().endpoint, { body: '{}' });
    assert.equal(noTarget.json().__type, 'com.amazon.coral.service#UnknownOperationException');
  });

  test('malformed JSON is SerializationException', async () => {
    const res = await rawRequest(target().endpoint, { target: LIST, body: '{"Limit": ' });
    assert.equal(res.status, 400);
    assert.equal(res.json().__type, 'com.amazon.coral.service#SerializationException');
  });

  test('a wrong content type is a bare 404', async () => {
    const res = await rawRequest(target().endpoint, { target: LIST, body: '{}', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(res.status, 404);
    assert.match(res.body.toString(), /UnknownOperationException/);
  });

  test('a request without authentication is refused', async () => {
    const res = await rawRequest(target().endpoint, { target: LIST, body: '{}', unsigned: true });
    assert.equal(res.status, 400);
    assert.equal(res.json().__type, 'com.amazon.coral.service#MissingAuthenticationTokenException');
    assert.equal(res.json().message, 'Request is missing Authentication Token');
  });

  test('a wrong JSON type for a member is SerializationException with its text', async () => {
    const cases: [string, string][] = [
      ['{"Limit": "ten"}', 'STRING_VALUE cannot be converted to Integer'],
      ['{"Limit": true}', 'TRUE_VALUE cannot be converted to Integer'],
      ['{"ExclusiveStartTableName": 5}', 'NUMBER_VALUE cannot be converted to String'],
      ['{"ExclusiveStartTableName": {}}', 'Start of structure or map found where not expected'],
      ['{"ExclusiveStartTableName": []}', 'Unrecognized collection type class java.lang.String'],
    ];
    for (const [body, message] of cases) {
      const res = await rawRequest(target().endpoint, { target: LIST, body });
      assert.equal(res.status, 400, body);
      assert.equal(res.json().__type, 'com.amazon.coral.service#SerializationException', body);
      assert.equal(res.json().Message, message, body);
    }
  });

  test('constraint violations are collected into one ValidationException', async () => {
    const res = await rawRequest(target().endpoint, { target: LIST, body: '{"Limit": 0, "ExclusiveStartTableName": "a!"}' });
    assert.equal(res.status, 400);
    assert.equal(res.json().__type, 'com.amazon.coral.validate#ValidationException');
    assert.equal(
      res.json().message,
      "3 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'a!' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'a!' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
  });

  test('a body over 16 MB is refused and the server keeps serving', async () => {
    const res = await rawRequest(target().endpoint, { target: LIST, body: Buffer.alloc(16 * 1024 * 1024 + 1, 0x20) });
    assert.equal(res.status, 413);
    const after = await rawRequest(target().endpoint, { target: LIST, body: '{}' });
    assert.equal(after.status, 200);
  });

  test('CORS preflight is answered for browser clients', async () => {
    const res = await rawRequest(target().endpoint, {
      method: 'OPTIONS',
      unsigned: true,
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-amz-target,authorization',
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'http://localhost:3000');
    assert.match(String(res.headers['access-control-allow-headers']), /x-amz-target/);
    assert.match(String(res.headers['access-control-allow-methods']), /POST/);
  });

  test('gzip request bodies are accepted; a small response stays uncompressed', async () => {
    const res = await rawRequest(target().endpoint, {
      target: LIST,
      body: gzipSync(Buffer.from('{"Limit": 5}')),
      headers: { 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(Number(res.headers['x-amz-crc32']), crc32(res.body) >>> 0);
    assert.ok(Array.isArray(res.json().TableNames));
  });

  test('the same table name in two regions is two tables', async () => {
    const name = uniqueName('regional');
    const west = target().client({ region: 'eu-west-1' });
    const definition = {
      TableName: name,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
      BillingMode: 'PAY_PER_REQUEST' as const,
    };
    await target().ddb.send(new CreateTableCommand(definition));
    await west.send(new CreateTableCommand(definition));
    await target().ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'a' }, where: { S: 'east' } } }));
    await west.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'a' }, where: { S: 'west' } } }));
    const east = await target().ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: 'a' } } }));
    const inWest = await west.send(new GetItemCommand({ TableName: name, Key: { id: { S: 'a' } } }));
    assert.deepEqual(east.Item?.where, { S: 'east' });
    assert.deepEqual(inWest.Item?.where, { S: 'west' });
    const other = target().client({ region: 'ap-south-1' });
    const listed = await other.send(new ListTablesCommand({}));
    assert.ok(!(listed.TableNames ?? []).includes(name));
    west.destroy();
    other.destroy();
  });
});
