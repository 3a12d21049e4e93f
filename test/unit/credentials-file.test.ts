/** The credentials file's two forms, as `--auth verify` reads them into principals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialsFileError, parseCredentials } from '../../src/security/credentials-file.js';

const ACCOUNT = '000000000000';

test('INI: each profile with keys is the IAM user named like it, in the server\'s account; comments and key-less profiles are skipped', () => {
  const table = parseCredentials(
    '# keys\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n[profile ci]\n; temporary\nAWS_ACCESS_KEY_ID=ASIACI\naws_secret_access_key= s2 \naws_session_token = tok\n[regional]\nregion = eu-west-1\n',
    ACCOUNT,
  );
  assert.deepEqual([...table.keys()], ['AKIDDEFAULT', 'ASIACI']);
  const ci = table.get('ASIACI')!;
  assert.equal(ci.secretAccessKey, 's2');
  assert.equal(ci.sessionToken, 'tok');
  assert.equal(ci.principal.arn, 'arn:aws:iam::000000000000:user/ci');
  assert.equal(ci.principal.type, 'IAMUser');
  assert.match(ci.principal.principalId, /^AIDA[A-Z2-7]{17}$/);
  assert.equal(table.get('AKIDDEFAULT')!.sessionToken, undefined);
});

test('JSON: users, role sessions and root, with account, tags and policies kept as JSON text', () => {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*' }] };
  const table = parseCredentials(
    JSON.stringify({
      principals: [
        { accessKeyId: 'A1', secretAccessKey: 's', account: '111122223333', user: 'alice', tags: { team: 'data' }, policies: [policy] },
        { accessKeyId: 'A2', secretAccessKey: 's', sessionToken: 't', role: 'deployer', session: 'ci' },
        { accessKeyId: 'A3', secretAccessKey: 's', root: true },
      ],
    }),
    ACCOUNT,
  );
  const alice = table.get('A1')!.principal;
  assert.deepEqual([alice.arn, alice.account, alice.tags, alice.policies.map((text) => JSON.parse(text) as unknown)], ['arn:aws:iam::111122223333:user/alice', '111122223333', { team: 'data' }, [policy]]);
  const role = table.get('A2')!.principal;
  assert.deepEqual([role.arn, role.type, role.sessionToken], ['arn:aws:sts::000000000000:assumed-role/deployer/ci', 'AssumedRole', 't']);
  assert.match(role.principalId, /^AROA[A-Z2-7]{17}:ci$/);
  assert.deepEqual([table.get('A3')!.principal.arn, table.get('A3')!.principal.type], ['arn:aws:iam::000000000000:root', 'Root']);
  // Ids are derived, so they are the same on every read.
  assert.equal(parseCredentials(JSON.stringify({ principals: [{ accessKeyId: 'X', secretAccessKey: 's', account: '111122223333', user: 'alice' }] }), ACCOUNT).get('X')!.principal.principalId, alice.principalId);
});

test('a file that is wrong says what is wrong with it', () => {
  const cases: [string, RegExp][] = [
    ['{"principals": {}}', /"principals" array/],
    ['{"principals": [{"accessKeyId": "A", "secretAccessKey": "s"}]}', /exactly one of "user", "role" or "root"/],
    ['{"principals": [{"accessKeyId": "A", "secretAccessKey": "s", "user": "u", "acount": "1"}]}', /unknown field "acount"/],
    ['{"principals": [{"accessKeyId": "A", "secretAccessKey": "s", "user": "u", "account": "12"}]}', /account must be 12 digits/],
    ['{"principals": [{"accessKeyId": "A", "secretAccessKey": "s", "user": "u", "policies": ["text"]}]}', /policies must be an array of policy documents/],
    ['{"principals": [{"accessKeyId": "A", "secretAccessKey": "s", "user": "u"}, {"accessKeyId": "A", "secretAccessKey": "t", "user": "v"}]}', /listed twice/],
    ['{"principals": [', /not JSON/],
    ['aws_access_key_id = A', /line 1: expected \[profile\]/],
    ['[p]\naws_access_key_id = A', /profile p: aws_access_key_id and aws_secret_access_key go together/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseCredentials(text, ACCOUNT), (error: Error) => error instanceof CredentialsFileError && message.test(error.message), text);
});
