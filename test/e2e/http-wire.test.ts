/**
 * The HTTP layer as DynamoDB shows it on the wire: error bodies, content
 * codings, routing, headers and limits. Each expectation names the recording
 * of live DynamoDB it comes from.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { request } from 'node:http';
import {
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type DynamoDBServiceException,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { FAKE_AUTHORIZATION, rawRequest, type RawOptions } from '../helpers/raw.js';
import { createTable, errorOf } from '../helpers/tables.js';

const TARGET = 'DynamoDB_20120810.';

describeEachBackend('wire: error bodies', (target) => {
  const call = (operation: string, body: string, options: RawOptions = {}) =>
    rawRequest(target().endpoint, { target: TARGET + operation, body, ...options });

  test('SerializationException carries a capitalised Message', async () => {
    // dynalite's test/helpers.js (assertSerialization), recorded against DynamoDB.
    const res = await call('ListTables', '{"Limit": "ten"}');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), {
      __type: 'com.amazon.coral.service#SerializationException',
      Message: 'STRING_VALUE cannot be converted to Integer',
    });
  });

  test('validation, authentication and DynamoDB errors keep a lower-case message', async () => {
    const invalid = await call('ListTables', '{"Limit": 0}');
    assert.deepEqual(invalid.json(), {
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    const unsigned = await call('ListTables', '{}', { unsigned: true });
    assert.deepEqual(unsigned.json(), {
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    const missing = await call('GetItem', '{"TableName": "no_such_table_here", "Key": {"pk": {"S": "a"}}}');
    assert.deepEqual(missing.json(), {
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: 'Requested resource not found',
    });
  });

  test('UnknownOperationException has no message member at all', async () => {
    const res = await call('FlyToTheMoon', '{}');
    assert.deepEqual(res.json(), { __type: 'com.amazon.coral.service#UnknownOperationException' });
  });

  test('AccessDeniedException carries a capitalised Message', async () => {
    // dynalite's test/helpers.js (assertAccessDenied), recorded against DynamoDB.
    const arn = 'arn:aws:dynamodb:us-east-1:111111111111:table/elsewhere';
    const res = await call('ListTagsOfResource', JSON.stringify({ ResourceArn: arn }));
    assert.deepEqual(res.json(), {
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: `User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:ListTagsOfResource on resource: ${arn}`,
    });
  });

  test('TransactionCanceledException and IdempotentParameterMismatchException carry Message, and the SDK reads it', async () => {
    // Bodies recorded from DynamoDB in aws/aws-sdk-net#1292 and pynamodb/PynamoDB#1144;
    // the service model declares Message for both errors.
    const table = await createTable(target().ddb, 'wire_tx');
    await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } } }));
    const put = { Put: { TableName: table, Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' } };
    const res = await call('TransactWriteItems', JSON.stringify({ TransactItems: [put] }));
    assert.deepEqual(res.json(), {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }],
    });
    const cancelled = await errorOf(() => target().ddb.send(new TransactWriteItemsCommand({ TransactItems: [put] })));
    assert.equal(cancelled.name, 'TransactionCanceledException');
    assert.equal(cancelled.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]');
    assert.deepEqual(
      (cancelled as unknown as { CancellationReasons: unknown[] }).CancellationReasons.map((reason) => (reason as { Code: string }).Code),
      ['ConditionalCheckFailed'],
    );

    const token = `wire-token-${Date.now()}`;
    const write = (value: string) =>
      JSON.stringify({ ClientRequestToken: token, TransactItems: [{ Put: { TableName: table, Item: { pk: { S: 'b' }, v: { S: value } } } }] });
    assert.equal((await call('TransactWriteItems', write('one'))).status, 200);
    const mismatch = await call('TransactWriteItems', write('two'));
    const body = mismatch.json();
    assert.equal(body.__type, 'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException');
    assert.equal(typeof body.Message, 'string');
    assert.equal(body.message, undefined);
  });

  test('the AWS SDK v3 reads a SerializationException Message', async () => {
    // The SDK never sends a wrongly typed member, so the body is swapped after it is built.
    const client = new DynamoDBClient({
      endpoint: target().endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string; headers: Record<string, string> };
        request.body = '{"Limit": true}';
        request.headers['content-length'] = String(request.body.length);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'wrongKindBody' },
    );
    const error = (await errorOf(() => client.send(new ListTablesCommand({})))) as unknown as DynamoDBServiceException;
    client.destroy();
    assert.equal(error.name, 'SerializationException');
    assert.equal(error.message, 'TRUE_VALUE cannot be converted to Integer');
  });

  test('a ValidationException lists and counts at most ten violations', async () => {
    // dynalite's test/createTable.js, recorded against DynamoDB: nine empty
    // local indexes (27 violations) read "10 validation errors detected".
    const keys = ['a', 'b'];
    const body = {
      TableName: 'abc',
      AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: keys.map((name, i) => ({ KeyType: i === 0 ? 'HASH' : 'RANGE', AttributeName: name })),
      LocalSecondaryIndexes: Array.from({ length: 9 }, () => ({})),
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    };
    const res = await call('CreateTable', JSON.stringify(body));
    const violations: string[] = [];
    for (let i = 1; violations.length < 10; i++) {
      for (const member of ['indexName', 'keySchema', 'projection']) {
        violations.push(`Value null at 'localSecondaryIndexes.${i}.member.${member}' failed to satisfy constraint: Member must not be null`);
      }
    }
    assert.deepEqual(res.json(), {
      __type: 'com.amazon.coral.validate#ValidationException',
      message: `10 validation errors detected: ${violations.slice(0, 10).join('; ')}`,
    });
  });
});

describeEachBackend('wire: compression', (target) => {
  let table = '';

  before(async () => {
    table = await createTable(target().ddb, 'wire_gzip');
  });

  /** Stores an item whose GetItem response is exactly `size` bytes long, and returns that GetItem's body. */
  async function bodyOfSize(size: number): Promise<string> {
    const key = JSON.stringify({ TableName: table, Key: { pk: { S: 'k' } } });
    const put = (fill: number) => target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'k' }, x: { S: 'x'.repeat(fill) } } }));
    await put(1);
    const overhead = (await rawRequest(target().endpoint, { target: `${TARGET}GetItem`, body: key })).body.length - 1;
    await put(size - overhead);
    return key;
  }

  const get = (body: string, headers: Record<string, string | string[]>) =>
    rawRequest(target().endpoint, { target: `${TARGET}GetItem`, body, headers });

  test('only responses of 4 KB and more are compressed', async () => {
    // ScyllaDB's test_compressed_response.py, run against DynamoDB: 4 KB threshold.
    const small = await get(await bodyOfSize(4095), { 'Accept-Encoding': 'gzip' });
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(small.body.length, 4095);
    assert.equal(small.headers['content-length'], '4095');

    const large = await get(await bodyOfSize(4096), { 'Accept-Encoding': 'gzip' });
    assert.equal(large.headers['content-encoding'], 'gzip');
    assert.equal(Number(large.headers['content-length']), large.body.length);
    assert.equal(Number(large.headers['x-amz-crc32']), crc32(large.body) >>> 0);
    assert.equal(gunzipSync(large.body).length, 4096);

    const plain = await get(await bodyOfSize(4096), {});
    assert.equal(plain.headers['content-encoding'], undefined);
  });

  test('deflate is offered too, and q-values decide', async () => {
    const key = await bodyOfSize(5000);
    const deflated = await get(key, { 'Accept-Encoding': 'deflate' });
    assert.equal(deflated.headers['content-encoding'], 'deflate');
    assert.equal(inflateSync(deflated.body).length, 5000);
    // A few of the recorded cases; the unit tests hold the rest.
    const cases: [string, string | undefined][] = [
      ['gzip;q=0.8, deflate;q=0.5', 'gzip'],
      ['br, gzip;q=0, deflate; q = 0.5 , identity;q=0', 'deflate'],
      ['*, deflate', 'deflate'],
      ['gzip ;q=0', undefined],
      ['identity', undefined],
      ['x-gzip', undefined],
    ];
    for (const [accept, coding] of cases) {
      const res = await get(key, { 'Accept-Encoding': accept });
      assert.equal(res.headers['content-encoding'], coding, accept);
    }
  });

  test('only the first Accept-Encoding header counts', async () => {
    // ScyllaDB's test_multiple_accept_encoding_headers, run against DynamoDB.
    const key = await bodyOfSize(5000);
    const first = await get(key, { 'Accept-Encoding': ['identity', 'gzip'] });
    assert.equal(first.headers['content-encoding'], undefined);
    const second = await get(key, { 'Accept-Encoding': ['gzip', 'identity'] });
    assert.equal(second.headers['content-encoding'], 'gzip');
  });

  test('request bodies in gzip (several members) and deflate are read', async () => {
    const put = (id: string) => `{"TableName": "${table}", "Item": {"pk": {"S": "${id}"}}}`;
    const members = Buffer.concat([gzipSync(put('gz').slice(0, 10)), gzipSync(put('gz').slice(10))]);
    const gz = await rawRequest(target().endpoint, { target: `${TARGET}PutItem`, body: members, headers: { 'Content-Encoding': 'gzip' } });
    assert.equal(gz.status, 200);
    const df = await rawRequest(target().endpoint, { target: `${TARGET}PutItem`, body: deflateSync(put('df')), headers: { 'Content-Encoding': 'deflate' } });
    assert.equal(df.status, 200);
    for (const id of ['gz', 'df']) {
      const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: id } } }));
      assert.deepEqual(Item, { pk: { S: id } });
    }
  });

  test('an unknown Content-Encoding, or a body that does not decode, is a 500 and writes nothing', async () => {
    // ScyllaDB's test_compressed_request.py, run against DynamoDB: 500 for a
    // garbage coding, for a body that is not gzip, for a truncated one and for an empty one.
    const put = (id: string) => `{"TableName": "${table}", "Item": {"pk": {"S": "${id}"}}}`;
    const cases: [string, string, string | Buffer][] = [
      ['garbage', 'coding', put('coding')],
      ['gzip', 'plain', put('plain')],
      ['gzip', 'truncated', gzipSync(put('truncated')).subarray(0, -1)],
      ['deflate', 'gzipped', gzipSync(put('gzipped'))],
      ['gzip', 'empty', ''],
    ];
    for (const [coding, id, body] of cases) {
      const res = await rawRequest(target().endpoint, { target: `${TARGET}PutItem`, body, headers: { 'Content-Encoding': coding } });
      assert.equal(res.status, 500, id);
      assert.deepEqual(res.json(), { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }, id);
      const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: id } } }));
      assert.equal(Item, undefined, id);
    }
  });
});

describeEachBackend('wire: routing and headers', (target) => {
  test('a chunked body sent after 100 Continue, as curl and node:http send large bodies, is read whole', async () => {
    const table = await createTable(target().ddb, 'wire_chunked');
    const url = new URL(target().endpoint);
    const item = JSON.stringify({ TableName: table, Item: { pk: { S: 'chunked' }, v: { S: 'é'.repeat(3000) } } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `${TARGET}PutItem`, Authorization: FAKE_AUTHORIZATION, Expect: '100-continue' },
      });
      // Without a length, node:http frames the body in chunks; it sends them only after the go-ahead.
      req.on('continue', () => {
        const bytes = Buffer.from(item);
        req.write(bytes.subarray(0, 1001));
        req.end(bytes.subarray(1001));
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    assert.equal(status, 200);
    const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'chunked' } } }));
    assert.equal(Item?.v?.S, 'é'.repeat(3000));
  });

  test('GET / answers with the Host it was asked by, and a length', async () => {
    // dynalite's test/connection.js (trailing space) and ScyllaDB's test_health.py, against DynamoDB.
    const res = await rawRequest(target().endpoint, { method: 'GET', unsigned: true, headers: { Host: 'dynamodb.eu-west-3.amazonaws.com' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'healthy: dynamodb.eu-west-3.amazonaws.com ');
    assert.equal(res.headers['content-length'], String(res.body.length));
    assert.equal(Number(res.headers['x-amz-crc32']), crc32(res.body) >>> 0);
    const headOnly = await rawRequest(target().endpoint, { method: 'HEAD', unsigned: true, headers: { Host: 'h:1' } });
    assert.equal(headOnly.headers['content-length'], String('healthy: h:1 '.length));
  });

  test('only / is routed: other paths get the bare 404 and run nothing', async () => {
    // The 404 body, length and CRC recorded in dynalite's test/connection.js.
    const table = await createTable(target().ddb, 'wire_paths');
    for (const [method, path] of [['GET', '/abc'], ['POST', '/index.htm'], ['POST', '//'], ['OPTIONS', '/']] as const) {
      const res = await rawRequest(target().endpoint, {
        method,
        path,
        target: `${TARGET}PutItem`,
        body: method === 'GET' ? undefined : `{"TableName": "${table}", "Item": {"pk": {"S": "${path}"}}}`,
      });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.toString(), '<UnknownOperationException/>\n');
      assert.equal(res.headers['content-length'], '29');
      assert.equal(res.headers['x-amz-crc32'], '3552371480');
      const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: path } } }));
      assert.equal(Item, undefined);
    }
    const presigned = await rawRequest(target().endpoint, { path: '/?X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fdynamodb%2Faws4_request', target: `${TARGET}ListTables`, body: '{}', unsigned: true });
    assert.equal(presigned.status, 200);
  });

  test('every answer names its Server, as DynamoDB does', async () => {
    // Response headers recorded from DynamoDB through boto3: "server: Server".
    const answers = await Promise.all([
      rawRequest(target().endpoint, { target: `${TARGET}ListTables`, body: '{}' }),
      rawRequest(target().endpoint, { target: `${TARGET}ListTables`, body: '{"Limit": 0}' }),
      rawRequest(target().endpoint, { method: 'PUT', unsigned: true }),
      rawRequest(target().endpoint, { method: 'GET', unsigned: true }),
    ]);
    assert.deepEqual(answers.map((res) => [res.status, res.headers.server]), [[200, 'Server'], [400, 'Server'], [404, 'Server'], [200, 'Server']]);
  });

  test('headers or a request line over 16 KB get a 400, and the server keeps serving', async () => {
    // ScyllaDB's test_too_large_request_headers and test_too_large_request_line, against DynamoDB.
    const headers = await rawRequest(target().endpoint, { target: `${TARGET}ListTables`, body: '{}', headers: { header1: 'x'.repeat(8192), header2: 'y'.repeat(8192) } });
    assert.equal(headers.status, 400);
    assert.equal(headers.headers['content-length'], '0');
    const line = await rawRequest(target().endpoint, { path: `/${'x'.repeat(17000)}`, target: `${TARGET}ListTables`, body: '{}' });
    assert.equal(line.status, 400);
    const after = await rawRequest(target().endpoint, { target: `${TARGET}ListTables`, body: '{}', headers: { header1: 'x'.repeat(4096) } });
    assert.equal(after.status, 200);
  });
});
