/**
 * Resource-based policies through the AWS SDK on every backend:
 * PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on a table
 * and its stream, revisions (an equivalent re-put keeps its revision,
 * ExpectedRevisionId and NO_POLICY), DynamoDB's refusals of ARNs and
 * documents, and a policy going with its table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteResourcePolicyCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { createTable, errorOf } from '../helpers/tables.js';

function policyFor(arn: string, account: string, action = 'dynamodb:GetItem'): string {
  return JSON.stringify(
    { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/alice` }, Action: action, Resource: arn }] },
    null,
    2,
  );
}

describeEachBackend('resource-based policies', (target) => {
  test('put, get (without whitespace), re-put keeps the revision, conditional put and delete', async () => {
    const { ddb } = target();
    const name = await createTable(ddb, 'policies');
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    const arn = Table!.TableArn!;
    const account = arn.split(':')[4]!;
    const missing = await errorOf(() => ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })));
    assert.deepEqual([missing.name, missing.message], ['PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: ${arn}`]);

    const text = policyFor(arn, account);
    const first = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: text, ExpectedRevisionId: 'NO_POLICY' }));
    assert.match(first.RevisionId!, /^\d{13}$/);
    const got = await ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
    assert.deepEqual(got, { ...got, Policy: JSON.stringify(JSON.parse(text)), RevisionId: first.RevisionId });
    const again = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify(JSON.parse(text)) }));
    assert.equal(again.RevisionId, first.RevisionId);

    const none = await errorOf(() => ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: text, ExpectedRevisionId: 'NO_POLICY' })));
    assert.deepEqual(
      [none.name, none.message],
      ['PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none to be present for table ${name}, but a policy exists with revision id ${first.RevisionId}.`],
    );
    const second = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policyFor(arn, account, 'dynamodb:Query'), ExpectedRevisionId: first.RevisionId }));
    assert.ok(Number(second.RevisionId) > Number(first.RevisionId));
    const stale = await errorOf(() => ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: first.RevisionId })));
    assert.deepEqual(
      [stale.name, stale.message],
      ['PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id ${first.RevisionId}, but the policy associated to target table ${name} has revision id ${second.RevisionId}.`],
    );
    const deleted = await ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn, ExpectedRevisionId: second.RevisionId }));
    assert.equal(deleted.RevisionId, second.RevisionId);
    assert.equal((await errorOf(() => ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })))).name, 'PolicyNotFoundException');
    assert.equal((await errorOf(() => ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn })))).name, 'PolicyNotFoundException');
  });

  test('refusals of ARNs and documents, in DynamoDB\'s words', async () => {
    const { ddb } = target();
    const name = await createTable(ddb, 'policies');
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    const arn = Table!.TableArn!;
    const account = arn.split(':')[4]!;
    const refusal = async (ResourceArn: string, Policy = policyFor(arn, account)) => {
      const error = await errorOf(() => ddb.send(new PutResourcePolicyCommand({ ResourceArn, Policy })));
      return [error.name, error.message];
    };
    assert.deepEqual(await refusal(name), ['ValidationException', `One or more parameter values were invalid: ARNs must start with 'arn:': ${name}`]);
    assert.deepEqual(await refusal(`${arn}_nope`), ['ResourceNotFoundException', `Requested resource not found: Table: ${name}_nope not found`]);
    assert.deepEqual(await refusal(`${arn}/index/I`), ['ValidationException', `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}/index/I`]);
    assert.deepEqual(await refusal(arn.replace(account, '210987654321')), ['ValidationException', 'This action is only supported by accounts that match the resource owner’s account.']);
    assert.deepEqual(await refusal(`${arn}/stream/2000-01-01T00:00:00.000`), ['ResourceNotFoundException', `Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: ${name}`]);
    assert.deepEqual(await refusal(arn, '{not json'), ['ValidationException', 'One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json']);
    assert.deepEqual(await refusal(arn, JSON.stringify({ Version: '2012-10-17', Statement: [] })), ['ValidationException', 'One or more parameter values were invalid: Invalid policy document: Could not parse the policy: Statement is empty!']);
    assert.deepEqual(await refusal(arn, policyFor(arn, account) + ' '.repeat(20 * 1024)), ['ValidationException', 'One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded']);
    const everyone = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'dynamodb:GetItem', Resource: arn }] });
    assert.deepEqual(await refusal(arn, everyone), ['ValidationException', 'Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access']);
  });

  test('a stream has a policy of its own; both go with the table', async () => {
    const { ddb } = target();
    const name = await createTable(ddb, 'policies', { hash: ['pk', 'S'], extra: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } } });
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    const [arn, stream] = [Table!.TableArn!, Table!.LatestStreamArn!];
    const account = arn.split(':')[4]!;
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: stream, Policy: policyFor(stream, account, 'dynamodb:GetRecords') }));
    assert.equal((await errorOf(() => ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })))).name, 'PolicyNotFoundException');
    assert.match((await ddb.send(new GetResourcePolicyCommand({ ResourceArn: stream }))).Policy!, /GetRecords/);
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policyFor(arn, account) }));
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    const gone = await errorOf(() => ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })));
    assert.equal(gone.name, 'ResourceNotFoundException');
  });
});
