/**
 * IAM policies end to end, against the final design of issue 17: principals
 * come from `--credentials FILE` and requests are verified by SigV4, so each
 * client below signs as one principal of the file.
 *
 * What they pin: an identity policy grants and an explicit Deny wins, with
 * AWS's messages; dynamodb:LeadingKeys confines a user to its own partition
 * through GetItem, Query, BatchGetItem and TransactWriteItems; PartiQL is
 * authorized as PartiQLSelect; a table's resource policy naming the user
 * grants without an identity policy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteResourcePolicyCommand,
  DeleteTableCommand,
  ExecuteStatementCommand,
  GetItemCommand,
  PutItemCommand,
  PutResourcePolicyCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { clientFor } from '../helpers/harness.js';
import { startChild, type ChildServer } from '../helpers/child-server.js';
import { errorOf } from '../helpers/tables.js';

const ACCOUNT = '123456789012';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Games`;
const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

const PRINCIPALS = [
  { accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin-secret', account: ACCOUNT, user: 'admin', tags: {}, policies: [policy({ Effect: 'Allow', Action: '*', Resource: '*' })] },
  {
    accessKeyId: 'AKIAALICE',
    secretAccessKey: 'alice-secret',
    account: ACCOUNT,
    user: 'alice',
    tags: { team: 'red' },
    policies: [
      policy(
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:PartiQLSelect'],
          Resource: TABLE_ARN,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
        },
        { Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*' },
      ),
    ],
  },
  { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', account: ACCOUNT, user: 'bob', tags: {}, policies: [] },
  { accessKeyId: 'AKIAROOT', secretAccessKey: 'root-secret', account: ACCOUNT, root: true },
  {
    // The developer guide's attribute-limited reader: only these attributes, and only by naming them.
    accessKeyId: 'AKIACAROL',
    secretAccessKey: 'carol-secret',
    account: ACCOUNT,
    user: 'carol',
    tags: {},
    policies: [
      policy({
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: TABLE_ARN,
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['UserId', 'Title', 'Score'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    ],
  },
];

describe('IAM policies', () => {
  let dir: string;
  let server: ChildServer;
  let admin: DynamoDBClient;
  let alice: DynamoDBClient;
  let bob: DynamoDBClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dynalith-iam-'));
    const file = join(dir, 'credentials.json');
    writeFileSync(file, JSON.stringify({ principals: PRINCIPALS }));
    server = await startChild(['--in-memory', '--port', '0', '--log-level', 'silent', '--credentials', file]);
    const as = (accessKeyId: string, secretAccessKey: string) => clientFor(server.endpoint, { credentials: { accessKeyId, secretAccessKey } });
    admin = as('AKIAADMIN', 'admin-secret');
    alice = as('AKIAALICE', 'alice-secret');
    bob = as('AKIABOB', 'bob-secret');
    await admin.send(
      new CreateTableCommand({
        TableName: 'Games',
        KeySchema: [{ AttributeName: 'UserId', KeyType: 'HASH' }, { AttributeName: 'Title', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'UserId', AttributeType: 'S' }, { AttributeName: 'Title', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const owner of ['alice', 'bob']) {
      await admin.send(new PutItemCommand({ TableName: 'Games', Item: { UserId: { S: owner }, Title: { S: 'Chess' }, Score: { N: '3' }, Secret: { S: 'hidden' } } }));
    }
  });

  after(async () => {
    server?.process.kill('SIGTERM');
    await server?.exited();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a user reads its own partition and is refused the others, in AWS\'s words', async () => {
    const own = await alice.send(new GetItemCommand({ TableName: 'Games', Key: { UserId: { S: 'alice' }, Title: { S: 'Chess' } } }));
    assert.equal(own.Item?.UserId?.S, 'alice');
    const other = await errorOf(() => alice.send(new GetItemCommand({ TableName: 'Games', Key: { UserId: { S: 'bob' }, Title: { S: 'Chess' } } })));
    assert.deepEqual([other.name, other.message], [
      'AccessDeniedException',
      `User: ${user('alice')} is not authorized to perform: dynamodb:GetItem on resource: ${TABLE_ARN} because no identity-based policy allows the dynamodb:GetItem action`,
    ]);
    const query = (who: string) => alice.send(new QueryCommand({ TableName: 'Games', KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': { S: who } } }));
    assert.equal((await query('alice')).Count, 1);
    assert.equal((await errorOf(() => query('bob'))).name, 'AccessDeniedException');
    const batch = await errorOf(() =>
      alice.send(new BatchGetItemCommand({ RequestItems: { Games: { Keys: [{ UserId: { S: 'alice' }, Title: { S: 'Chess' } }, { UserId: { S: 'bob' }, Title: { S: 'Chess' } }] } } })),
    );
    assert.match(batch.message, /dynamodb:BatchGetItem/);
    const transaction = await errorOf(() =>
      alice.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'Games', Item: { UserId: { S: 'alice' }, Title: { S: 'Go' } } } }, { Put: { TableName: 'Games', Item: { UserId: { S: 'bob' }, Title: { S: 'Go' } } } }] })),
    );
    assert.match(transaction.message, /not authorized to perform: dynamodb:PutItem/);
    const selected = await alice.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "Games" WHERE UserId = 'alice'` }));
    assert.equal(selected.Items?.length, 1);
    assert.match((await errorOf(() => alice.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "Games" WHERE UserId = 'bob'` })))).message, /dynamodb:PartiQLSelect/);
  });

  test('an attribute-limited user reads the attributes it may and no others', async () => {
    const carol = clientFor(server.endpoint, { credentials: { accessKeyId: 'AKIACAROL', secretAccessKey: 'carol-secret' } });
    const Key = { UserId: { S: 'alice' }, Title: { S: 'Chess' } };
    const allowed = await carol.send(new GetItemCommand({ TableName: 'Games', Key, ProjectionExpression: 'UserId, Title, Score' }));
    assert.deepEqual(Object.keys(allowed.Item ?? {}).sort(), ['Score', 'Title', 'UserId']);
    const secret = await errorOf(() => carol.send(new GetItemCommand({ TableName: 'Games', Key, ProjectionExpression: 'UserId, Secret' })));
    assert.equal(secret.name, 'AccessDeniedException');
    const whole = await errorOf(() => carol.send(new GetItemCommand({ TableName: 'Games', Key })));
    assert.equal(whole.name, 'AccessDeniedException', 'reading every attribute is not naming them');
    const queried = await errorOf(() =>
      carol.send(new QueryCommand({ TableName: 'Games', KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': { S: 'alice' } }, ProjectionExpression: 'Secret', Select: 'SPECIFIC_ATTRIBUTES' })),
    );
    assert.equal(queried.name, 'AccessDeniedException');
    carol.destroy();
  });

  test('boto3 signs as the same user and meets the same policy', async (t) => {
    if (spawnSync('python3', ['-c', 'import boto3']).status !== 0) return t.skip('boto3 is not installed for python3');
    const script = [
      'import boto3, os, botocore',
      "c = boto3.client('dynamodb', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id='AKIAALICE', aws_secret_access_key='alice-secret')",
      "print(c.get_item(TableName='Games', Key={'UserId': {'S': 'alice'}, 'Title': {'S': 'Chess'}})['Item']['UserId']['S'])",
      'try:',
      "    c.get_item(TableName='Games', Key={'UserId': {'S': 'bob'}, 'Title': {'S': 'Chess'}})",
      "    print('allowed')",
      'except botocore.exceptions.ClientError as e:',
      "    print(e.response['Error']['Code'])",
    ].join('\n');
    const run = spawnSync('python3', ['-c', script], { env: { ...process.env, ENDPOINT: server.endpoint }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), ['alice', 'AccessDeniedException']);
  });

  test('an explicit Deny wins over an Allow', async () => {
    const error = await errorOf(() => alice.send(new DeleteTableCommand({ TableName: 'Games' })));
    assert.deepEqual([error.name, error.message], [
      'AccessDeniedException',
      `User: ${user('alice')} is not authorized to perform: dynamodb:DeleteTable on resource: ${TABLE_ARN} with an explicit deny in an identity-based policy`,
    ]);
  });

  test('a resource policy denying the root binds it, except that it can always delete the policy', async () => {
    const root = clientFor(server.endpoint, { credentials: { accessKeyId: 'AKIAROOT', secretAccessKey: 'root-secret' } });
    await admin.send(new CreateTableCommand({ TableName: 'Locked', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    const arn = TABLE_ARN.replace('table/Games', 'table/Locked');
    await admin.send(
      new PutResourcePolicyCommand({
        ResourceArn: arn,
        Policy: JSON.stringify(policy({ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'dynamodb:*', Resource: arn })),
      }),
    );
    const refused = await errorOf(() => root.send(new GetItemCommand({ TableName: 'Locked', Key: { k: { S: 'a' } } })));
    assert.deepEqual([refused.name, refused.message], [
      'AccessDeniedException',
      `User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: dynamodb:GetItem on resource: ${arn} with an explicit deny in a resource-based policy`,
    ]);
    await root.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
    const { Item } = await root.send(new GetItemCommand({ TableName: 'Locked', Key: { k: { S: 'a' } } }));
    assert.equal(Item, undefined);
    root.destroy();
  });

  test('a resource policy naming the user grants without an identity policy', async () => {
    const before = await errorOf(() => bob.send(new GetItemCommand({ TableName: 'Games', Key: { UserId: { S: 'bob' }, Title: { S: 'Chess' } } })));
    assert.equal(before.name, 'AccessDeniedException');
    await admin.send(
      new PutResourcePolicyCommand({
        ResourceArn: TABLE_ARN,
        Policy: JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: user('bob') }, Action: 'dynamodb:GetItem', Resource: TABLE_ARN })),
      }),
    );
    const got = await bob.send(new GetItemCommand({ TableName: 'Games', Key: { UserId: { S: 'bob' }, Title: { S: 'Chess' } } }));
    assert.equal(got.Item?.UserId?.S, 'bob');
  });
});
