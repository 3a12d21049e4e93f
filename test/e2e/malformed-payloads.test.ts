/**
 * A property test over raw HTTP: every operation, fed bodies derived from its
 * request shape (test/helpers/fuzz/requests.ts: well-formed, mutated, and the
 * almost-right ones of test/helpers/malformed.ts), answers 200 or one of
 * DynamoDB's errors, never a 500, a malformed body, a hang, pathological work
 * or a crash (test/helpers/fuzz/answers.ts); and never 200 to a body with a
 * null where an attribute value belongs. DYNALITH_FUZZ_SEED and
 * DYNALITH_FUZZ_RUNS explore further than the default run.
 */
import { before, test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { findOperation } from '../../src/operations/registry.js';
import { findStreamsOperation } from '../../src/operations/streams/registry.js';
import type { OperationLookup } from '../../src/operations/operation-table.js';
import { describeEachBackend } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw.js';
import { createTable } from '../helpers/tables.js';
import { holdsNullValue, type Vocabulary } from '../helpers/malformed.js';
import { exchange } from '../helpers/fuzz/answers.js';
import { requestBody } from '../helpers/fuzz/requests.js';
import { fuzz } from '../helpers/fuzz/run.js';

const APIS: readonly [prefix: string, lookup: OperationLookup][] = [
  ['DynamoDB_20120810', findOperation],
  ['DynamoDBStreams_20120810', findStreamsOperation],
];

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

describeEachBackend('malformed payloads', (target) => {
  let vocabulary: Vocabulary;

  before(async () => {
    const { ddb } = target();
    const simple = await createTable(ddb, 'fuzz_simple');
    const composite = await createTable(ddb, 'fuzz_composite', {
      hash: ['pk', 'S'],
      range: ['sk', 'N'],
      indexes: [
        { name: 'lsi', local: true, range: ['lsk', 'S'] },
        { name: 'gsi', hash: ['gk', 'N'], projection: ['a'] },
      ],
      extra: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } },
    });
    await ddb.send(new PutItemCommand({ TableName: simple, Item: { pk: { S: 'a' }, a: { L: [{ S: 'x' }] } } }));
    await ddb.send(new PutItemCommand({ TableName: composite, Item: { pk: { S: 'a' }, sk: { N: '1' }, lsk: { S: 'l' }, gk: { N: '2' }, a: { M: { b: { N: '1' } } } } }));
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: composite }));
    vocabulary = {
      tables: [simple, composite, 'fuzz_absent'],
      attributes: ['pk', 'sk', 'lsk', 'gk', 'a', 'b', '__proto__', 'constructor'],
      indexes: ['lsi', 'gsi', 'nope'],
      arns: [Table!.TableArn!, Table!.LatestStreamArn!, `${Table!.LatestStreamArn!}x`, 'arn:aws:dynamodb:us-east-1:000000000000:table/fuzz_absent', 'arn:aws'],
    };
  });

  const call = (operation: string, body: string) => rawRequest(target().endpoint, { target: `DynamoDB_20120810.${operation}`, body });
  const nullMember = (path: string) =>
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`;

  test('a null member of a request list is a ValidationException', async () => {
    // DynamoDB answers BatchWriteItem's [null] with a 400 ValidationException or
    // SerializationException (ScyllaDB's test_batch_write_item_invalid_payload,
    // run against DynamoDB); its text was not found recorded.
    const [simple] = vocabulary.tables as [string];
    const cases: [string, string, string][] = [
      ['BatchWriteItem', `{"RequestItems": {"${simple}": [null]}}`, nullMember(`requestItems.${simple}.member.1.member`)],
      ['BatchWriteItem', `{"RequestItems": {"${simple}": [{"PutRequest": {"Item": {"pk": {"S": "n"}}}}, null]}}`, nullMember(`requestItems.${simple}.member.2.member`)],
      ['TransactGetItems', '{"TransactItems": [null]}', nullMember('transactItems.1.member')],
      ['BatchExecuteStatement', '{"Statements": [null]}', nullMember('statements.1.member')],
      ['CreateTable', '{"TableName": "nulls", "KeySchema": [null], "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"}', nullMember('keySchema.1.member')],
    ];
    for (const [operation, body, message] of cases) {
      const res = await call(operation, body);
      assert.equal(res.status, 400, body);
      assert.deepEqual(res.json(), { __type: 'com.amazon.coral.validate#ValidationException', message }, body);
    }
  });

  test('attribute values nested thousands of levels deep are refused, not a crash', async () => {
    // ScyllaDB's test_deeply_nested_put sends DynamoDB 200,000 levels; any answer but a crash will do.
    const [simple] = vocabulary.tables as [string];
    const nesting = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
    const maps = (levels: number) => `${'{"M":{"a":'.repeat(levels)}{"S":"x"}${'}}'.repeat(levels)}`;
    const lists = (levels: number) => `${'{"L":['.repeat(levels)}{"S":"x"}${']}'.repeat(levels)}`;
    const cases: [string, string][] = [
      ['PutItem', `{"TableName": "${simple}", "Item": {"pk": {"S": "d"}, "d": ${maps(200_000)}}}`],
      ['PutItem', `{"TableName": "${simple}", "Item": {"pk": {"S": "d"}, "d": ${lists(20_000)}}}`],
      ['Query', `{"TableName": "${simple}", "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [${maps(20_000)}]}}}`],
    ];
    for (const [operation, body] of cases) {
      const res = await call(operation, body);
      assert.equal(res.status, 400, operation);
      assert.deepEqual(res.json(), { __type: 'com.amazon.coral.validate#ValidationException', message: nesting }, operation);
    }
  });

  test('compressed bodies: decoded as the uncompressed ones, or (only when they cannot be) a 500 InternalServerError', async () => {
    const inProcess = target().backend !== 'external';
    const getItem = await findOperation('GetItem')!;
    const codings = ['gzip', 'deflate', 'GZIP', ' gzip ', 'identity', 'br', 'gzip, deflate', 'x-gzip', ''];
    const compressors: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync };
    await fuzz(
      `compressed bodies ${target().backend}`,
      60,
      fc.asyncProperty(requestBody(getItem.shape, vocabulary), fc.constantFrom(...codings), fc.nat(4), fc.nat(), async (body, coding, damage, cut) => {
        const plain = Buffer.from(body);
        const known = compressors[coding.trim().toLowerCase()];
        let bytes = known === undefined || damage === 0 ? plain : known(plain);
        if (damage === 1) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        if (damage === 2 && bytes.length > 0) bytes = Buffer.concat([bytes.subarray(0, cut % bytes.length), Buffer.from([cut & 255]), bytes.subarray((cut % bytes.length) + 1)]);
        const headers = coding === '' ? undefined : { 'Content-Encoding': coding };
        const answer = await exchange(target().endpoint, 'DynamoDB_20120810.GetItem', bytes, { inProcess, mayBeUndecodable: true, ...(headers ? { headers } : {}) });
        if (damage >= 3 && known !== undefined) {
          // A body that decodes is answered as if it had been sent plain.
          const direct = await exchange(target().endpoint, 'DynamoDB_20120810.GetItem', plain, { inProcess });
          assert.equal(answer.status, direct.status, `${coding}: ${body}`);
          assert.deepEqual(answer.body.toString(), direct.body.toString(), `${coding}: ${body}`);
        } else if (known === undefined && coding !== '') {
          assert.equal(answer.error, 'InternalServerError', `${coding} is no coding DynamoDB decodes: ${answer.body.toString()}`);
        }
      }),
    );
  });

  for (const [prefix, lookup] of APIS) {
    for (const name of lookup.names) {
      test(`${prefix}.${name}`, { timeout: 300_000 }, async () => {
        const operation = await lookup(name)!;
        // Deleting the tables would leave the operations after this one only "not found" to answer.
        const words = name === 'DeleteTable' ? { ...vocabulary, tables: ['fuzz_absent'] } : vocabulary;
        await fuzz(
          `${name} bodies ${target().backend}`,
          50,
          fc.asyncProperty(requestBody(operation.shape, words), async (body) => {
            const res = await exchange(target().endpoint, `${prefix}.${name}`, body, { inProcess: target().backend !== 'external' });
            // BatchExecuteStatement answers a bad parameter in its statement's response.
            if (name !== 'BatchExecuteStatement') assert.ok(res.status === 400 || !holdsNullValue(parsed(body), operation.shape), `a null value was accepted: ${name} ${body}`);
          }),
        );
      });
    }
  }
});
