/** The audit log's CloudTrail records and its writer, without a server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRecord, type AuditedCall } from '../../src/features/audit/audit-record.js';
import { redactStatement } from '../../src/features/audit/request-parameters.js';
import { AuditWriter, RotatingFile } from '../../src/features/audit/audit-writer.js';
import { principalOf } from '../../src/features/audit/audit-log.js';

const NS = { account: '111122223333', region: 'us-west-2' };

function call(operation: string, body: Record<string, unknown>, more: Partial<AuditedCall> = {}): AuditedCall {
  return {
    at: Date.UTC(2026, 11, 7, 10, 0, 0, 456),
    eventSource: 'dynamodb.amazonaws.com',
    operation,
    region: NS.region,
    principal: principalOf(NS, 'AKIDEXAMPLE'),
    sourceIp: '192.0.2.0',
    userAgent: 'aws-cli/2',
    tls: undefined,
    body,
    requestId: 'REQ1',
    response: undefined,
    error: undefined,
    keyNames: (table) => (table === 'Music' ? ['Artist', 'SongTitle'] : undefined),
    ...more,
  };
}

test('a PutItem is logged as AWS logs it: the key, the item attribute names, no values', () => {
  const record = auditRecord(
    call('PutItem', {
      TableName: 'Music',
      Item: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Scared' }, AlbumTitle: { S: 'SECRET-ALBUM' } },
      ConditionExpression: '#a <> :v',
      ExpressionAttributeNames: { '#a': 'AlbumTitle' },
      ExpressionAttributeValues: { ':v': { S: 'SECRET-VALUE' } },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  assert.deepEqual(record.requestParameters, {
    tableName: 'Music',
    item: ['Artist', 'SongTitle', 'AlbumTitle'],
    conditionExpression: '#a <> :v',
    expressionAttributeNames: { '#a': 'AlbumTitle' },
    returnConsumedCapacity: 'TOTAL',
    key: { Artist: 'No One You Know', SongTitle: 'Scared' },
  });
  assert.doesNotMatch(JSON.stringify(record), /SECRET/);
  assert.equal(record.eventTime, '2026-12-07T10:00:00Z');
  assert.equal(record.eventVersion, '1.08');
  assert.equal(record.eventCategory, 'Data');
  assert.equal(record.managementEvent, false);
  assert.equal(record.readOnly, false);
  assert.equal(record.responseElements, null);
  assert.equal(record.recipientAccountId, NS.account);
  assert.deepEqual(record.resources, [{ accountId: NS.account, type: 'AWS::DynamoDB::Table', ARN: 'arn:aws:dynamodb:us-west-2:111122223333:table/Music' }]);
  assert.deepEqual(record.userIdentity, { type: 'Anonymous', principalId: NS.account, arn: 'arn:aws:iam::111122223333:root', accountId: NS.account, accessKeyId: 'AKIDEXAMPLE' });
  assert.match(String(record.eventID), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('a failed management call carries errorCode and errorMessage and no response; a read-only one is readOnly', () => {
  const record = auditRecord(call('DescribeTable', { TableName: 'Nope' }, { error: { code: 'ResourceNotFoundException', message: 'Requested resource not found: Table: Nope not found' } }));
  assert.equal(record.errorCode, 'ResourceNotFoundException');
  assert.equal(record.errorMessage, 'Requested resource not found: Table: Nope not found');
  assert.equal(record.readOnly, true);
  assert.equal(record.managementEvent, true);
  assert.equal(record.eventCategory, 'Management');
  assert.deepEqual(record.requestParameters, { tableName: 'Nope' });
  assert.equal(record.responseElements, null);
});

test("a management call's response is logged with CloudTrail's member names", () => {
  const record = auditRecord(call('CreateTable', { TableName: 'Music', BillingMode: 'PAY_PER_REQUEST' }, { response: { TableDescription: { TableName: 'Music', KeySchema: [{ AttributeName: 'Artist', KeyType: 'HASH' }] } } }));
  assert.deepEqual(record.responseElements, { tableDescription: { tableName: 'Music', keySchema: [{ attributeName: 'Artist', keyType: 'HASH' }] } });
  assert.deepEqual(record.requestParameters, { tableName: 'Music', billingMode: 'PAY_PER_REQUEST' });
});

test('temporary credentials of an assumed role give a session context with its issuer', () => {
  const principal = { accessKeyId: 'ASIAEXAMPLE', account: NS.account, arn: 'arn:aws:sts::111122223333:assumed-role/admin/bob', type: 'AssumedRole' as const, principalId: 'AROAEXAMPLE:bob', tags: {}, policies: [], sessionToken: 'TOKEN-SECRET' };
  const record = auditRecord(call('ListTables', {}, { principal }));
  assert.deepEqual((record.userIdentity as Record<string, unknown>).sessionContext, {
    attributes: { mfaAuthenticated: 'false' },
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: 'arn:aws:iam::111122223333:role/admin', accountId: NS.account, userName: 'admin' },
  });
  assert.doesNotMatch(JSON.stringify(record), /TOKEN-SECRET/);
});

test('batches and transactions list their actions with keys and no values', () => {
  const record = auditRecord(
    call('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Music', Item: { Artist: { S: 'a' }, SongTitle: { S: 'b' }, Secret: { S: 'SECRET' } } } },
        { Update: { TableName: 'Music', Key: { Artist: { S: 'a' }, SongTitle: { S: 'c' } }, UpdateExpression: 'SET x = :v', ExpressionAttributeValues: { ':v': { S: 'SECRET' } } } },
      ],
    }),
  );
  assert.deepEqual(record.requestParameters, {
    requestItems: [
      { operation: 'Put', tableName: 'Music', key: { Artist: 'a', SongTitle: 'b' }, items: ['Artist', 'SongTitle', 'Secret'] },
      { operation: 'Update', tableName: 'Music', key: { Artist: 'a', SongTitle: 'c' }, updateExpression: 'SET x = :v' },
    ],
  });
  assert.doesNotMatch(JSON.stringify(record), /SECRET/);
});

test("PartiQL statements have their literal values redacted and their tables named as resources", () => {
  assert.equal(redactStatement(`SELECT * FROM "Music" WHERE Artist = 'it''s' AND n > 12.5e3 AND c2 = 1`), `SELECT * FROM "Music" WHERE Artist = ***(Redacted) AND n > ***(Redacted) AND c2 = ***(Redacted)`);
  assert.equal(redactStatement(`INSERT INTO Music VALUE {'Artist' : 'x', 'Year': 2020}`), `INSERT INTO Music VALUE {'Artist' : ***(Redacted), 'Year': ***(Redacted)}`);
  const record = auditRecord(call('ExecuteStatement', { Statement: `SELECT * FROM "Music" WHERE Artist = ?`, Parameters: [{ S: 'SECRET' }] }));
  assert.deepEqual(record.requestParameters, { statement: `SELECT * FROM "Music" WHERE Artist = ?` });
  assert.equal((record.resources as { ARN: string }[])[0]!.ARN, 'arn:aws:dynamodb:us-west-2:111122223333:table/Music');
});

test('a stalled file never makes write() wait: the queue is bounded and what does not fit is dropped and counted', async () => {
  const warnings: string[] = [];
  let release: () => void = () => undefined;
  let appends = 0;
  // The first write stalls until released; the disk is quick again after it.
  const stalled = { append: () => (appends++ === 0 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()), close: async () => undefined };
  const writer = new AuditWriter(stalled, (message) => warnings.push(message), 1000);
  for (let i = 0; i < 100; i++) writer.write('x'.repeat(99));
  // The first line is being written; nine more fit the 1000 bytes of queue.
  assert.equal(writer.dropped, 90);
  assert.equal(warnings.length, 1);
  release();
  await writer.close(60_000);
  assert.match(warnings.at(-1)!, /90 records dropped/);
  assert.equal(appends, 2);
});

test('the file rotates by size, keeping the given number of old files, and lines stay whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.log');
  const file = new RotatingFile({ path, maxBytes: 100, files: 2 });
  for (let i = 0; i < 10; i++) await file.append(`${JSON.stringify({ line: i, pad: 'y'.repeat(30) })}\n`);
  await file.close();
  const texts = [path, `${path}.1`, `${path}.2`].map((name) => readFileSync(name, 'utf8'));
  assert.equal(existsSync(`${path}.3`), false);
  for (const text of texts) {
    assert.ok(Buffer.byteLength(text) <= 100, text);
    for (const line of text.trimEnd().split('\n')) JSON.parse(line);
  }
  // The newest lines are in the file itself, the older ones in .1 then .2; the oldest are gone.
  const numbers = texts.map((text) => text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { line: number }).line));
  assert.deepEqual(numbers, [[8, 9], [6, 7], [4, 5]]);
});

test('a lock left by another process that is rotating makes this one skip rotating, not wait', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.log');
  writeFileSync(`${path}.lock`, '');
  const file = new RotatingFile({ path, maxBytes: 50, files: 1 });
  for (let i = 0; i < 3; i++) await file.append(`${'z'.repeat(39)}\n`);
  await file.close();
  assert.equal(existsSync(`${path}.1`), false);
  assert.equal(readFileSync(path, 'utf8').length, 120);
});
