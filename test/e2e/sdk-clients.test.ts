import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable } from '../helpers/tables.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

interface V2Request<T> {
  promise(): Promise<T>;
}
interface V2DocumentClient {
  put(params: object): V2Request<object>;
  get(params: object): V2Request<{ Item?: Record<string, unknown> }>;
  update(params: object): V2Request<{ Attributes?: Record<string, unknown> }>;
}
interface V2Sdk {
  DynamoDB: { DocumentClient: new (options: object) => V2DocumentClient };
}

function hasCommand(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

describeEachBackend('SDKs and tools', (target) => {
  test('AWS SDK v3 lib-dynamodb DocumentClient', async () => {
    const table = await createTable(target().ddb, 'docv3', { hash: ['UserID', 'S'], range: ['Email', 'S'] });
    const key = { UserID: '12345', Email: 'john@example.com' };
    await target().doc.send(new PutCommand({ TableName: table, Item: { ...key, Name: 'John Doe', Age: 30, Tags: new Set(['a']) } }));
    const updated = await target().doc.send(
      new UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'ADD Age :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
    );
    assert.deepEqual(updated.Attributes, { Age: 31 });
    const { Item } = await target().doc.send(new GetCommand({ TableName: table, Key: key }));
    assert.deepEqual(Item, { ...key, Name: 'John Doe', Age: 31, Tags: new Set(['a']) });
  });

  test('AWS SDK v2 DocumentClient with .promise()', async () => {
    const table = await createTable(target().ddb, 'docv2', { hash: ['UserID', 'S'], range: ['Email', 'S'] });
    const AWS = require('aws-sdk') as V2Sdk;
    const client = new AWS.DynamoDB.DocumentClient({
      endpoint: target().endpoint,
      region: 'us-east-1',
      accessKeyId: 'local',
      secretAccessKey: 'local',
    });
    const key = { UserID: '12345', Email: 'john@example.com' };
    await client.put({ TableName: table, Item: { ...key, Name: 'John Doe', Age: 30 } }).promise();
    const { Item } = await client.get({ TableName: table, Key: key }).promise();
    assert.deepEqual(Item, { ...key, Name: 'John Doe', Age: 30 });
    const { Attributes } = await client
      .update({ TableName: table, Key: key, UpdateExpression: 'SET Age = Age + :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' })
      .promise();
    assert.equal(Attributes?.Age, 31);
  });

  test('the overview examples run unchanged with SDK v2 and v3', async () => {
    const v2 = await run(process.execPath, [`${examples}overview-v2.cjs`, target().endpoint]);
    assert.match(v2.stdout, /Table created successfully\nItem added successfully\nItem: \{/);
    assert.match(v2.stdout, /Name: 'John Doe'/);
    const v3 = await run(process.execPath, [`${examples}overview-v3.mjs`, target().endpoint]);
    assert.match(v3.stdout, /Table created successfully\nItem added successfully\nItem: \{/);
  });

  test('the AWS CLI example', { skip: !hasCommand('aws', ['--version']) && 'the AWS CLI is not installed' }, async () => {
    const cli = await run('bash', [`${examples}overview-cli.sh`, target().endpoint]);
    assert.match(cli.stdout, /Table created successfully/);
    assert.match(cli.stdout, /"John Doe"/);
  });

  test('boto3', { skip: !hasCommand('python3', ['-c', 'import boto3']) && 'boto3 is not installed' }, async () => {
    const script = [
      'import boto3, sys',
      "ddb = boto3.client('dynamodb', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')",
      "ddb.create_table(TableName='boto', KeySchema=[{'AttributeName':'id','KeyType':'HASH'}], AttributeDefinitions=[{'AttributeName':'id','AttributeType':'S'}], BillingMode='PAY_PER_REQUEST')",
      "ddb.put_item(TableName='boto', Item={'id': {'S': 'a'}, 'n': {'N': '1.50'}})",
      "print(ddb.get_item(TableName='boto', Key={'id': {'S': 'a'}})['Item']['n']['N'])",
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script, target().endpoint]);
    assert.equal(stdout.trim(), '1.5');
  });
});
