import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePolicy, PolicyError } from '../../src/security/iam/policy.js';
import { evaluate, substitute, type Caller, type Decision } from '../../src/security/iam/evaluate.js';
import { conditionHolds, conditionOperator } from '../../src/security/iam/conditions.js';
import { cidrContains } from '../../src/security/iam/cidr.js';
import { arnMatch, wildcardMatch } from '../../src/security/iam/wildcard.js';
import { fuzz } from '../helpers/fuzz/run.js';

const ACCOUNT = '123456789012';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/T`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

function doc(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function caller(policies: string[], arn = ALICE, account = ACCOUNT): Caller {
  return { arn, account, root: false, identityPolicies: policies.map((text) => parsePolicy(text, 'identity')) };
}

function decide(policies: string[], action: string, resource = TABLE, keys: Record<string, string[]> = {}, resourcePolicy?: string, who?: Caller): Decision {
  const request = { action, resource, keys: new Map(Object.entries(keys).map(([k, v]) => [k.toLowerCase(), v])) };
  const resourceDocument = resourcePolicy === undefined ? undefined : { document: parsePolicy(resourcePolicy, 'resource'), account: ACCOUNT };
  return evaluate(who ?? caller(policies), request, resourceDocument);
}

const allow = (action: unknown, resource: unknown = '*', extra: object = {}) => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
const deny = (action: unknown, resource: unknown = '*', extra: object = {}) => ({ Effect: 'Deny', Action: action, Resource: resource, ...extra });

describe('policy documents', () => {
  test('a statement may be an object or a list; Version defaults to 2008-10-17', () => {
    assert.equal(parsePolicy(JSON.stringify({ Statement: allow('dynamodb:GetItem') }), 'identity').statements.length, 1);
    assert.equal(parsePolicy(JSON.stringify({ Statement: allow('dynamodb:GetItem') }), 'identity').version, '2008-10-17');
  });

  const refusals: [string, string][] = [
    ['{not json', 'This policy contains invalid Json'],
    ['', 'This policy contains invalid Json'],
    ['[]', 'This policy contains invalid Json'],
    [JSON.stringify({ Version: '2012-10-17', Statement: [] }), 'Could not parse the policy: Statement is empty!'],
    [JSON.stringify({ Version: '2012-10-17' }), 'Missing required field Statement'],
    [JSON.stringify({ Version: '2020-01-01', Statement: allow('*') }), 'The policy must contain a valid version string'],
    [doc({ Action: '*', Resource: '*' }), 'Missing required field Effect'],
    [doc({ Effect: 'Maybe', Action: '*', Resource: '*' }), 'Invalid effect: Maybe'],
    [doc({ Effect: 'Allow', Resource: '*' }), 'Missing required field Action'],
    [doc({ Effect: 'Allow', Action: '*' }), 'Missing required field Resource'],
    [doc({ Effect: 'Allow', Action: '*', NotAction: 'x:y', Resource: '*' }), 'Statement/Policy has both Action and NotAction'],
    [doc(allow('GetItem')), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    [doc(allow('dynamodb:GetItem', 'table/T')), 'Resource table/T must be in ARN format or "*".'],
    [doc(allow('*', '*', { Condition: { StringEqualz: { 'aws:username': 'a' } } })), 'Invalid Condition type : StringEqualz'],
    [doc(allow('*', '*', { Sid: 'A' }), allow('*', '*', { Sid: 'A' })), 'The Statement Ids in the policy are not unique'],
    [doc(allow('*', '*', { Principal: { AWS: ALICE } })), 'Policy document should not specify a principal.'],
  ];
  for (const [text, message] of refusals) {
    test(`refuses ${text.slice(0, 60)}: ${message}`, () => {
      assert.throws(() => parsePolicy(text, 'identity'), (error: unknown) => error instanceof PolicyError && error.message === message);
    });
  }

  test('a resource policy needs a Principal, written with its kind', () => {
    assert.throws(() => parsePolicy(doc(allow('*')), 'resource'), /Missing required field Principal/);
    assert.throws(() => parsePolicy(doc(allow('*', '*', { Principal: ACCOUNT })), 'resource'), PolicyError);
    assert.throws(() => parsePolicy(doc(allow('*', '*', { Principal: { AWS: 'alice' } })), 'resource'), /Invalid principal in policy document/);
    const parsed = parsePolicy(doc(allow('*', '*', { Principal: { AWS: ACCOUNT } })), 'resource');
    assert.deepEqual(parsed.statements[0]!.principals!.aws, [`arn:aws:iam::${ACCOUNT}:root`]);
  });

  test('fuzz: any JSON value, or a policy-shaped one, parses or is a PolicyError, and a parsed policy always decides', async () => {
    const scalar = fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(null), fc.constantFrom('*', 'dynamodb:GetItem', 'dynamodb:*', TABLE, `${TABLE}/*`, 'Allow', 'Deny'));
    const strings = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
    const operators = fc.constantFrom('StringEquals', 'ForAllValues:StringLike', 'ForAnyValue:StringNotEquals', 'NumericLessThan', 'DateGreaterThan', 'Bool', 'IpAddress', 'ArnLike', 'Null', 'StringEqualsIfExists', 'Bogus', 'ForAllValues:Null');
    const condition = fc.dictionary(operators, fc.dictionary(fc.constantFrom('dynamodb:LeadingKeys', 'aws:SourceIp', 'aws:username', 'nokey'), strings, { maxKeys: 2 }), { maxKeys: 2 });
    const statement = fc.record(
      { Sid: fc.oneof(fc.constant('S'), fc.string()), Effect: fc.oneof(fc.constantFrom('Allow', 'Deny'), scalar), Action: strings, NotAction: strings, Resource: strings, NotResource: strings, Condition: fc.oneof(condition, scalar), Principal: fc.oneof(fc.constant('*'), fc.record({ AWS: strings })) },
      { requiredKeys: [] },
    );
    const policy = fc.record({ Version: fc.oneof(fc.constant('2012-10-17'), scalar), Statement: fc.oneof(statement, fc.array(statement, { maxLength: 3 }), scalar) }, { requiredKeys: [] });
    const text = fc.oneof(policy.map((value) => JSON.stringify(value)), fc.json(), fc.string());
    await fuzz('iam policy documents', 400, fc.property(text, fc.constantFrom<'identity' | 'resource'>('identity', 'resource'), (input, kind) => {
      let parsed;
      try {
        parsed = parsePolicy(input, kind);
      } catch (error) {
        assert.ok(error instanceof PolicyError, String(error));
        return;
      }
      const request = { action: 'dynamodb:GetItem', resource: TABLE, keys: new Map([['dynamodb:leadingkeys', ['a']], ['aws:sourceip', ['10.0.0.1']]]) };
      const who: Caller = { arn: ALICE, account: ACCOUNT, root: false, identityPolicies: kind === 'identity' ? [parsed] : [] };
      const decision = evaluate(who, request, kind === 'resource' ? { document: parsed, account: ACCOUNT } : undefined);
      assert.equal(typeof decision.allowed, 'boolean');
    }));
  });
});

describe('evaluation', () => {
  test('default deny, an Allow grants, an explicit Deny beats any Allow', () => {
    assert.deepEqual(decide([], 'dynamodb:GetItem'), { allowed: false, denial: 'no-identity' });
    assert.deepEqual(decide([doc(allow('dynamodb:GetItem', TABLE))], 'dynamodb:GetItem'), { allowed: true });
    assert.deepEqual(decide([doc(allow('dynamodb:*')), doc(deny('dynamodb:GetItem', TABLE))], 'dynamodb:GetItem'), { allowed: false, denial: 'explicit-identity' });
    assert.deepEqual(decide([doc(allow('dynamodb:*'))], 'dynamodb:GetItem', TABLE, {}, doc(deny('dynamodb:GetItem', TABLE, { Principal: { AWS: ALICE } }))), {
      allowed: false,
      denial: 'explicit-resource',
    });
  });

  test('actions compare case-insensitively and with wildcards; ARNs case-sensitively', () => {
    assert.equal(decide([doc(allow('DynamoDB:getitem', TABLE))], 'dynamodb:GetItem').allowed, true);
    assert.equal(decide([doc(allow('dynamodb:Get*', TABLE))], 'dynamodb:GetItem').allowed, true);
    assert.equal(decide([doc(allow('dynamodb:?etItem', TABLE))], 'dynamodb:GetItem').allowed, true);
    assert.equal(decide([doc(allow('dynamodb:Put*', TABLE))], 'dynamodb:GetItem').allowed, false);
    assert.equal(decide([doc(allow('dynamodb:GetItem', TABLE.replace('table/T', 'table/t')))], 'dynamodb:GetItem').allowed, false);
    assert.equal(decide([doc(allow('dynamodb:Query', `${TABLE}/index/*`))], 'dynamodb:Query', `${TABLE}/index/I`).allowed, true);
    assert.equal(decide([doc(allow('dynamodb:Query', TABLE))], 'dynamodb:Query', `${TABLE}/index/I`).allowed, false);
    assert.equal(decide([doc(allow('dynamodb:*', 'arn:aws:dynamodb:*:*:table/T*'))], 'dynamodb:GetRecords', `${TABLE}/stream/2024-01-01T00:00:00.000`).allowed, true);
  });

  test('NotAction and NotResource', () => {
    assert.equal(decide([doc({ Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' })], 'dynamodb:GetItem').allowed, true);
    assert.equal(decide([doc({ Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' })], 'dynamodb:DeleteItem').allowed, false);
    assert.equal(decide([doc({ Effect: 'Allow', Action: '*', NotResource: `${TABLE}/backup/*` })], 'dynamodb:GetItem').allowed, true);
    assert.equal(decide([doc({ Effect: 'Allow', Action: '*', NotResource: `${TABLE}/backup/*` })], 'dynamodb:DescribeBackup', `${TABLE}/backup/01-x`).allowed, false);
  });

  test('a resource policy grants on its own when it names the caller, not when it names the account', () => {
    const naming = (aws: string) => doc(allow('dynamodb:GetItem', TABLE, { Principal: { AWS: aws } }));
    assert.equal(decide([], 'dynamodb:GetItem', TABLE, {}, naming(ALICE)).allowed, true);
    assert.deepEqual(decide([], 'dynamodb:GetItem', TABLE, {}, naming(ACCOUNT)), { allowed: false, denial: 'no-identity' });
    assert.equal(decide([], 'dynamodb:GetItem', TABLE, {}, naming(`arn:aws:iam::${ACCOUNT}:user/bob`)).allowed, false);
    const session = caller([], `arn:aws:sts::${ACCOUNT}:assumed-role/Reader/s1`);
    assert.equal(decide([], 'dynamodb:GetItem', TABLE, {}, naming(`arn:aws:iam::${ACCOUNT}:role/team/Reader`), session).allowed, true);
    const notPrincipal = doc({ Effect: 'Deny', Action: '*', Resource: '*', NotPrincipal: { AWS: ALICE } });
    assert.equal(decide([doc(allow('*'))], 'dynamodb:GetItem', TABLE, {}, notPrincipal).allowed, true);
    assert.deepEqual(decide([doc(allow('*'))], 'dynamodb:GetItem', TABLE, {}, notPrincipal, caller([doc(allow('*'))], `arn:aws:iam::${ACCOUNT}:user/bob`)), {
      allowed: false,
      denial: 'explicit-resource',
    });
  });

  test('across accounts both policies must allow', () => {
    const stranger = caller([doc(allow('dynamodb:GetItem'))], 'arn:aws:iam::210987654321:user/eve', '210987654321');
    assert.deepEqual(decide([], 'dynamodb:GetItem', TABLE, {}, doc(allow('dynamodb:Query', TABLE, { Principal: { AWS: '210987654321' } })), stranger), {
      allowed: false,
      denial: 'no-resource',
    });
    assert.equal(decide([], 'dynamodb:GetItem', TABLE, {}, doc(allow('dynamodb:GetItem', TABLE, { Principal: { AWS: '210987654321' } })), stranger).allowed, true);
  });

  test('the root user ignores identity policies but not a resource policy Deny', () => {
    const root: Caller = { arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT, root: true, identityPolicies: [] };
    assert.equal(decide([], 'dynamodb:GetItem', TABLE, {}, undefined, root).allowed, true);
    assert.equal(decide([], 'dynamodb:GetItem', TABLE, {}, doc(deny('*', '*', { Principal: '*' })), root).allowed, false);
  });

  test('LeadingKeys with ForAllValues and a policy variable', () => {
    const own = doc(allow('dynamodb:GetItem', TABLE, { Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } } }));
    assert.equal(decide([own], 'dynamodb:GetItem', TABLE, { 'aws:username': ['alice'], 'dynamodb:LeadingKeys': ['alice'] }).allowed, true);
    assert.equal(decide([own], 'dynamodb:GetItem', TABLE, { 'aws:username': ['alice'], 'dynamodb:LeadingKeys': ['alice', 'bob'] }).allowed, false);
    // The 2008 grammar has no variables: the text is compared as it is.
    const old = JSON.stringify({ Version: '2008-10-17', Statement: JSON.parse(own).Statement });
    assert.equal(decide([old], 'dynamodb:GetItem', TABLE, { 'aws:username': ['alice'], 'dynamodb:LeadingKeys': ['alice'] }).allowed, false);
    // Without the variable's value in the request, the statement grants nothing.
    assert.equal(decide([own], 'dynamodb:GetItem', TABLE, { 'dynamodb:LeadingKeys': ['alice'] }).allowed, false);
    assert.equal(decide([doc(allow('*', `${TABLE.slice(0, -1)}\${aws:username}`))], 'dynamodb:GetItem', TABLE.slice(0, -1) + 'alice', { 'aws:username': ['alice'] }).allowed, true);
    assert.equal(substitute('a${*}b${?}${$}', new Map()), 'a*b?$');
  });

  test('conditions: keys AND, values OR, key names case-insensitive', () => {
    const both = doc(allow('*', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/Team': ['red', 'blue'] }, Bool: { 'aws:SecureTransport': 'true' } } }));
    assert.equal(decide([both], 'dynamodb:GetItem', TABLE, { 'aws:principaltag/team': ['blue'], 'aws:securetransport': ['true'] }).allowed, true);
    assert.equal(decide([both], 'dynamodb:GetItem', TABLE, { 'aws:principaltag/team': ['blue'], 'aws:securetransport': ['false'] }).allowed, false);
    assert.equal(decide([both], 'dynamodb:GetItem', TABLE, { 'aws:principaltag/team': ['green'], 'aws:securetransport': ['true'] }).allowed, false);
  });
});

describe('condition operators', () => {
  const holds = (operator: string, context: string[] | undefined, policy: string[]) => conditionHolds(conditionOperator(operator)!, context, policy);

  test('strings', () => {
    assert.equal(holds('StringEquals', ['Abc'], ['abc']), false);
    assert.equal(holds('StringEqualsIgnoreCase', ['Abc'], ['abc']), true);
    assert.equal(holds('StringNotEquals', ['x'], ['a', 'b']), true);
    assert.equal(holds('StringNotEquals', ['a'], ['a', 'b']), false);
    assert.equal(holds('StringNotEqualsIgnoreCase', ['A'], ['a']), false);
    assert.equal(holds('StringLike', ['home/alice/x'], ['home/*/x']), true);
    assert.equal(holds('StringLike', ['ab'], ['a?']), true);
    assert.equal(holds('StringLike', ['abc'], ['a?']), false);
    assert.equal(holds('StringNotLike', ['abc'], ['a?']), true);
  });

  test('a missing key fails positive operators, satisfies negated ones and IfExists', () => {
    assert.equal(holds('StringEquals', undefined, ['a']), false);
    assert.equal(holds('StringNotEquals', undefined, ['a']), true);
    assert.equal(holds('StringEqualsIfExists', undefined, ['a']), true);
    assert.equal(holds('StringEqualsIfExists', ['b'], ['a']), false);
    assert.equal(holds('NumericLessThanIfExists', undefined, ['1']), true);
  });

  test('numbers and dates', () => {
    assert.equal(holds('NumericLessThan', ['9'], ['10']), true);
    assert.equal(holds('NumericLessThanEquals', ['10'], ['10']), true);
    assert.equal(holds('NumericGreaterThan', ['10.5'], ['10']), true);
    assert.equal(holds('NumericGreaterThanEquals', ['1e1'], ['10']), true);
    assert.equal(holds('NumericEquals', ['10'], ['10.0']), true);
    assert.equal(holds('NumericNotEquals', ['10'], ['11']), true);
    assert.equal(holds('NumericEquals', ['ten'], ['10']), false);
    assert.equal(holds('DateLessThan', ['2024-01-01T00:00:00Z'], ['2024-06-01T00:00:00Z']), true);
    assert.equal(holds('DateGreaterThan', ['2024-01-01T00:00:00Z'], ['2024-06-01']), false);
    assert.equal(holds('DateEquals', ['2024-01-01T00:00:00Z'], ['1704067200']), true);
    assert.equal(holds('DateNotEquals', ['2024-01-01T00:00:00Z'], ['1704067200']), false);
    assert.equal(holds('DateLessThanEquals', ['2024-01-01T00:00:00Z'], ['2024-01-01T00:00:00Z']), true);
    assert.equal(holds('DateGreaterThanEquals', ['yesterday'], ['2024-01-01']), false);
  });

  test('Bool, Null, ARNs, addresses', () => {
    assert.equal(holds('Bool', ['true'], ['True']), true);
    assert.equal(holds('Bool', ['false'], ['true']), false);
    assert.equal(holds('Null', undefined, ['true']), true);
    assert.equal(holds('Null', ['x'], ['true']), false);
    assert.equal(holds('Null', ['x'], ['false']), true);
    assert.equal(holds('ArnLike', [ALICE], ['arn:aws:iam::*:user/*']), true);
    assert.equal(holds('ArnEquals', [ALICE], [ALICE]), true);
    assert.equal(holds('ArnNotLike', [ALICE], ['arn:aws:iam::*:role/*']), true);
    assert.equal(holds('ArnNotEquals', [ALICE], [ALICE]), false);
    assert.equal(holds('IpAddress', ['203.0.113.7'], ['203.0.113.0/24']), true);
    assert.equal(holds('IpAddress', ['203.0.114.7'], ['203.0.113.0/24']), false);
    assert.equal(holds('NotIpAddress', ['203.0.114.7'], ['203.0.113.0/24']), true);
    assert.equal(holds('IpAddress', ['::ffff:10.1.2.3'], ['10.0.0.0/8']), true);
    assert.equal(holds('IpAddress', ['2001:db8::1'], ['2001:db8::/32']), true);
    assert.equal(holds('IpAddress', ['2001:db9::1'], ['2001:db8::/32']), false);
  });

  test('ForAllValues and ForAnyValue, empty and missing sets included', () => {
    assert.equal(holds('ForAllValues:StringEquals', ['a', 'b'], ['a', 'b', 'c']), true);
    assert.equal(holds('ForAllValues:StringEquals', ['a', 'd'], ['a', 'b', 'c']), false);
    assert.equal(holds('ForAllValues:StringEquals', undefined, ['a']), true);
    assert.equal(holds('ForAllValues:StringEquals', [], ['a']), true);
    assert.equal(holds('ForAnyValue:StringEquals', ['x', 'a'], ['a']), true);
    assert.equal(holds('ForAnyValue:StringEquals', ['x'], ['a']), false);
    assert.equal(holds('ForAnyValue:StringEquals', undefined, ['a']), false);
    assert.equal(holds('ForAnyValue:StringEquals', [], ['a']), false);
    assert.equal(holds('ForAllValues:StringNotEquals', ['x', 'y'], ['a']), true);
    assert.equal(holds('ForAllValues:StringNotEquals', ['x', 'a'], ['a']), false);
    assert.equal(holds('ForAnyValue:StringNotEquals', ['x', 'a'], ['a']), true);
    assert.equal(holds('ForAnyValue:StringEqualsIfExists', undefined, ['a']), true);
    assert.equal(holds('StringEquals', ['x', 'a'], ['a']), true);
  });

  test('unknown operators and qualifiers are refused', () => {
    assert.equal(conditionOperator('StringEqualz'), undefined);
    assert.equal(conditionOperator('ForSomeValues:StringEquals'), undefined);
    assert.equal(conditionOperator('NullIfExists'), undefined);
    assert.equal(conditionOperator('constructor'), undefined);
  });
});

describe('wildcards and addresses', () => {
  test('wildcards', () => {
    assert.equal(wildcardMatch('a*c', 'a/b:c'), true);
    assert.equal(wildcardMatch('a.c', 'abc'), false);
    assert.equal(wildcardMatch('(x)', '(x)'), true);
    assert.equal(arnMatch('arn:aws:dynamodb:*:*:table/T', TABLE), true);
    assert.equal(arnMatch('arn:aws:dynamodb:us-*:123456789012:table/*', `${TABLE}/index/I`), true);
    assert.equal(arnMatch('arn:aws:dynamodb:*:table/T', TABLE), false);
  });

  test('CIDR blocks', () => {
    assert.equal(cidrContains('10.0.0.0/8', '10.255.0.1'), true);
    assert.equal(cidrContains('10.0.0.1', '10.0.0.1'), true);
    assert.equal(cidrContains('10.0.0.0/33', '10.0.0.1'), false);
    assert.equal(cidrContains('0.0.0.0/0', '1.2.3.4'), true);
    assert.equal(cidrContains('::/0', '::1'), true);
    assert.equal(cidrContains('fe80::/10', 'fe80::1'), true);
    assert.equal(cidrContains('::ffff:0:0/96', '1.2.3.4'), false);
    assert.equal(cidrContains('10.0.0.0/8', 'not an address'), false);
  });
});
