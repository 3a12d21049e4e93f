/**
 * `--auth verify`: every request's SigV4 signature is checked against the
 * credentials file, through the clients people use (AWS SDK v3 for
 * DynamoDB, Streams, CloudWatch and Application Auto Scaling; boto3; the AWS
 * CLI; `dynalith backup`) and raw requests for what they never send. Each
 * refusal is checked for DynamoDB's error type and message.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, ListTablesCommand, PutItemCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../helpers/node-sha256.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { decodeCbor } from '../../src/protocol/cbor.js';
import { clientFor, externalEndpoint, uniqueName } from '../helpers/harness.js';
import { errorOf, waitFor } from '../helpers/tables.js';
import { rawRequest, type RawResponse } from '../helpers/raw.js';
import { runChild, startChild } from '../helpers/child-server.js';

const run = promisify(execFile);

const ALICE = { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' };
const TEMPORARY = { accessKeyId: 'ASIATEMPORARY', secretAccessKey: 'temporary-secret', sessionToken: 'the-session-token' };
const ACCOUNT = '111122223333';

const CREDENTIALS = {
  principals: [
    { ...ALICE, account: ACCOUNT, user: 'alice', tags: { team: 'data' }, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'cloudwatch:*', 'application-autoscaling:*'], Resource: '*' }] }] },
    { ...TEMPORARY, account: ACCOUNT, role: 'deployer', session: 'ci', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }] },
  ],
};

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED = /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/;

function signer(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, service = 'dynamodb'): SignatureV4 {
  return new SignatureV4({ credentials, region: 'us-east-1', service, sha256: NodeSha256, uriEscapePath: true });
}

interface Call {
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A ListTables call as an SDK builds it, before signing. */
function listTablesCall(endpoint: string): Call & { hostname: string; port: number } {
  const url = new URL(endpoint);
  return {
    hostname: url.hostname,
    port: Number(url.port),
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
    body: '{}',
  };
}

/** Sends a call signed (or presigned) elsewhere: its headers as they are, its query string appended. */
function send(endpoint: string, call: Call): Promise<RawResponse> {
  const query = call.query === undefined ? '' : `?${Object.entries(call.query).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`;
  return rawRequest(endpoint, { path: `${call.path ?? '/'}${query}`, headers: call.headers, body: call.body, unsigned: true });
}

async function presigned(endpoint: string, options: { signingDate?: Date; expiresIn?: number; credentials?: typeof ALICE & { sessionToken?: string } } = {}): Promise<Call> {
  const call = listTablesCall(endpoint);
  const signed = await signer(options.credentials ?? ALICE).presign(
    { method: 'POST', protocol: 'http:', hostname: call.hostname, port: call.port, path: '/', query: {}, headers: call.headers, body: call.body },
    // X-Amz-Target stays a header: the endpoint routes by it.
    { ...(options.signingDate === undefined ? {} : { signingDate: options.signingDate }), expiresIn: options.expiresIn ?? 900, unhoistableHeaders: new Set(['x-amz-target']) },
  );
  return { query: signed.query as Record<string, string>, headers: signed.headers, body: call.body };
}

function refusal(response: RawResponse): { type: string; message: string } {
  const body = response.json();
  return { type: String(body.__type).replace(/^.*#/, ''), message: String(body.message ?? body.Message) };
}

const python = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
const noBoto3 = python.error !== undefined || python.status !== 0 ? 'python3 with boto3 is not installed' : false;
const noCli = spawnSync('aws', ['--version']).error !== undefined ? 'the aws CLI is not installed' : false;

describe('--auth verify', { skip: externalEndpoint !== undefined }, () => {
  let dir: string;
  let credentialsFile: string;
  let server: RunningServer;
  let endpoint: string;
  const client = (credentials: DynamoDBClientConfig['credentials'], options: Partial<DynamoDBClientConfig> = {}) => clientFor(endpoint, { credentials, ...options });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dynalith-auth-'));
    credentialsFile = join(dir, 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify(CREDENTIALS));
    const config: Config = { ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', auth: 'verify', credentialsFile };
    server = await startServer(config, createLogger('silent'));
    endpoint = server.endpoint;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the right credentials work for DynamoDB, Streams, CloudWatch and Application Auto Scaling; tables are the principal\'s account\'s', async () => {
    const ddb = client(ALICE);
    const TableName = uniqueName('auth');
    const created = await ddb.send(new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }));
    assert.equal(created.TableDescription!.TableArn, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TableName}`);
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
    const streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });
    const listed = await streams.send(new ListStreamsCommand({ TableName }));
    assert.equal(listed.Streams!.length, 1);
    const cloudWatch = new CloudWatchClient({ endpoint, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });
    assert.ok(Array.isArray((await cloudWatch.send(new ListMetricsCommand({ Namespace: 'AWS/DynamoDB' }))).Metrics));
    const scaling = new ApplicationAutoScalingClient({ endpoint, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });
    assert.deepEqual((await scaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb' }))).ScalableTargets, []);
    // Temporary credentials with their token.
    assert.ok((await client(TEMPORARY).send(new ListTablesCommand({}))).TableNames!.includes(TableName));
  });

  test('a wrong secret, an unknown key and a clock 20 minutes off either way are refused with DynamoDB\'s errors', async () => {
    const wrongSecret = await errorOf(() => client({ ...ALICE, secretAccessKey: 'wrong' }).send(new ListTablesCommand({})));
    assert.deepEqual([wrongSecret.name, wrongSecret.message], ['InvalidSignatureException', SIGNATURE_MISMATCH]);
    const unknown = await errorOf(() => client({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }).send(new ListTablesCommand({})));
    assert.deepEqual([unknown.name, unknown.message], ['UnrecognizedClientException', INVALID_TOKEN]);
    const late = await errorOf(() => client(ALICE, { systemClockOffset: -20 * 60_000 }).send(new ListTablesCommand({})));
    assert.equal(late.name, 'InvalidSignatureException');
    assert.match(late.message, EXPIRED);
    const early = await errorOf(() => client(ALICE, { systemClockOffset: 20 * 60_000 }).send(new ListTablesCommand({})));
    assert.equal(early.name, 'InvalidSignatureException');
    assert.match(early.message, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    // Within the window is fine: clocks are never quite the same.
    assert.ok(Array.isArray((await client(ALICE, { systemClockOffset: -3 * 60_000 }).send(new ListTablesCommand({}))).TableNames));
  });

  test('temporary credentials need their own session token; long-term ones take none', async () => {
    for (const credentials of [{ accessKeyId: TEMPORARY.accessKeyId, secretAccessKey: TEMPORARY.secretAccessKey }, { ...TEMPORARY, sessionToken: 'another-token' }, { ...ALICE, sessionToken: 'a-token' }]) {
      const error = await errorOf(() => client(credentials).send(new ListTablesCommand({})));
      assert.deepEqual([error.name, error.message], ['UnrecognizedClientException', INVALID_TOKEN], JSON.stringify(credentials));
    }
  });

  test('a request without a token, or with a header that is not SigV4, is missing its token', async () => {
    for (const headers of [{}, { Authorization: 'Bearer abc' }] as Record<string, string>[]) {
      const response = await rawRequest(endpoint, { target: 'DynamoDB_20120810.ListTables', body: '{}', unsigned: true, headers });
      assert.equal(response.status, 400);
      assert.deepEqual(refusal(response), { type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
    }
  });

  test('malformed Authorization headers get IncompleteSignatureException or InvalidSignatureException with DynamoDB\'s texts', async () => {
    const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = now.slice(0, 8);
    const cases: [string, Record<string, string>, string, string][] = [
      [
        'AWS4-HMAC-SHA256 Signature=abc',
        {},
        'IncompleteSignatureException',
        "Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Signature=abc",
      ],
      [
        'AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders=host',
        { 'X-Amz-Date': now },
        'IncompleteSignatureException',
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders=host'.",
      ],
      [
        `AWS4-HMAC-SHA256 Credential=AKIDALICE/${day}/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc`,
        { 'X-Amz-Date': '2024' },
        'IncompleteSignatureException',
        "Date must be in ISO-8601 'basic format'. Got '2024'. See http://en.wikipedia.org/wiki/ISO_8601",
      ],
      [
        `AWS4-HMAC-SHA256 Credential=AKIDALICE/${day}/us-east-1/dynamodb/aws4_request, SignedHeaders=x-amz-date, Signature=abc`,
        { 'X-Amz-Date': now },
        'InvalidSignatureException',
        "'Host' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        `AWS4-HMAC-SHA512 Credential=AKIDALICE/${day}/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc`,
        { 'X-Amz-Date': now },
        'IncompleteSignatureException',
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
      ],
      [
        `AWS4-HMAC-SHA256 Credential=AKIDALICE/${day}/us-east-1/dynamodb, SignedHeaders=host, Signature=abc`,
        { 'X-Amz-Date': now },
        'IncompleteSignatureException',
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDALICE/${day}/us-east-1/dynamodb'`,
      ],
      [
        'AWS4-HMAC-SHA256 Credential=AKIDALICE/20000101/US_EAST/s3/aws4, SignedHeaders=host, Signature=abc',
        { 'X-Amz-Date': now },
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not 'US_EAST'. Credential should be scoped to correct service: 'dynamodb'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20000101' != '${day}', from '${now}'.`,
      ],
    ];
    for (const [authorization, headers, type, message] of cases) {
      const response = await rawRequest(endpoint, { target: 'DynamoDB_20120810.ListTables', body: '{}', headers: { Authorization: authorization, ...headers } });
      assert.equal(response.status, 400, authorization);
      assert.deepEqual(refusal(response), { type, message }, authorization);
    }
  });

  test('a presigned request works within its time; expired, tampered, incomplete or doubly signed ones are refused', async () => {
    const good = await send(endpoint, await presigned(endpoint));
    assert.equal(good.status, 200, good.body.toString());
    assert.ok(Array.isArray(good.json().TableNames));
    const token = await send(endpoint, await presigned(endpoint, { credentials: TEMPORARY }));
    assert.equal(token.status, 200, token.body.toString());

    const old = await send(endpoint, await presigned(endpoint, { signingDate: new Date(Date.now() - 20 * 60_000) }));
    assert.equal(refusal(old).type, 'InvalidSignatureException');
    assert.match(refusal(old).message, EXPIRED);
    // A shorter X-Amz-Expires than DynamoDB's window is honoured.
    const short = await send(endpoint, await presigned(endpoint, { signingDate: new Date(Date.now() - 120_000), expiresIn: 60 }));
    assert.equal(refusal(short).type, 'InvalidSignatureException');
    assert.match(refusal(short).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 60 sec\.\)$/);

    const call = await presigned(endpoint);
    const tamperedBody = await send(endpoint, { ...call, body: '{"Limit":1}' });
    assert.deepEqual(refusal(tamperedBody), { type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });
    const tamperedSignature = await send(endpoint, { ...call, query: { ...call.query, 'X-Amz-Signature': '0'.repeat(64) } });
    assert.deepEqual(refusal(tamperedSignature), { type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });
    const tamperedHeader = await send(endpoint, { ...call, headers: { ...call.headers, 'x-amz-target': 'DynamoDB_20120810.DescribeLimits' } });
    assert.deepEqual(refusal(tamperedHeader), { type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });

    const { 'X-Amz-Signature': _signature, 'X-Amz-Date': _date, ...incomplete } = call.query!;
    const missing = await send(endpoint, { ...call, query: incomplete });
    assert.deepEqual(refusal(missing), {
      type: 'IncompleteSignatureException',
      message: "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    });
    const both = await send(endpoint, { ...call, headers: { ...call.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
    assert.deepEqual(refusal(both), { type: 'InvalidSignatureException', message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header." });
  });

  test('RPC v2 CBOR calls are verified too, signed for CloudWatch\'s service', async () => {
    const url = new URL(endpoint);
    const path = '/service/GraniteServiceVersion20100801/operation/ListMetrics';
    const headers = { host: url.host, 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' };
    const request = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, query: {}, headers, body: new Uint8Array([0xa0]) };
    const signed = await signer(ALICE, 'monitoring').sign(request);
    const good = await rawRequest(endpoint, { path, headers: signed.headers, body: Buffer.from([0xa0]), unsigned: true });
    assert.equal(good.status, 200);
    const wrongService = await signer(ALICE, 'dynamodb').sign(request);
    const refused = await rawRequest(endpoint, { path, headers: wrongService.headers, body: Buffer.from([0xa0]), unsigned: true });
    assert.equal(refused.status, 400);
    const body = decodeCbor(refused.body) as { __type: string; message: string };
    assert.match(body.__type, /InvalidSignatureException$/);
    assert.equal(body.message, "Credential should be scoped to correct service: 'monitoring'.");
  });

  test('boto3: the right keys work; a wrong secret and an unknown key get DynamoDB\'s errors', { skip: noBoto3 }, async () => {
    const script = `
import json, os, boto3, botocore
out = []
for key, secret in [('AKIDALICE', 'alice-secret'), ('AKIDALICE', 'wrong'), ('AKIDNOBODY', 'x')]:
    client = boto3.client('dynamodb', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret,
                          config=botocore.config.Config(retries={'max_attempts': 0}))
    try:
        client.list_tables()
        out.append('ok')
    except botocore.exceptions.ClientError as error:
        out.append([error.response['Error']['Code'], error.response['Error']['Message']])
print(json.dumps(out))
`;
    const { stdout } = await run('python3', ['-c', script], { env: { ...process.env, ENDPOINT: endpoint } });
    assert.deepEqual(JSON.parse(stdout), ['ok', ['InvalidSignatureException', SIGNATURE_MISMATCH], ['UnrecognizedClientException', INVALID_TOKEN]]);
  });

  test('the AWS CLI: the right keys work; a wrong secret is refused with DynamoDB\'s error', { skip: noCli }, async () => {
    // Only these credentials: none of the environment's AWS settings.
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const cli = (secret: string) =>
      run('aws', ['dynamodb', 'list-tables', '--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json'], {
        env: { ...base, AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: secret, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1' },
      });
    const { stdout } = await cli(ALICE.secretAccessKey);
    assert.ok(Array.isArray((JSON.parse(stdout) as { TableNames: unknown }).TableNames));
    const failed = await cli('wrong').then(() => undefined, (error: { stderr: string }) => error.stderr);
    assert.ok(failed !== undefined, 'the CLI accepted a wrong secret');
    assert.match(failed, /An error occurred \(InvalidSignatureException\) when calling the ListTables operation: The request signature we calculated does not match/);
  });

  test('dynalith backup signs with the credentials it is given, and is refused without them', async () => {
    const TableName = uniqueName('auth_backup');
    const ddb = client(ALICE);
    await ddb.send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    const env = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' };
    const backup = await runChild(['backup', TableName, '--endpoint', endpoint, '--access-key-id', ALICE.accessKeyId, '--secret-access-key', ALICE.secretAccessKey], env);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout.trim().split('\n').at(-1)!, new RegExp(`^arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TableName}/backup/`));
    const refused = await runChild(['backup', TableName, '--endpoint', endpoint], env);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), `dynalith backup: UnrecognizedClientException: ${INVALID_TOKEN}`);
  });

  test('the credentials file is read again when it changes; a broken one keeps the last good credentials', async () => {
    const bob = { accessKeyId: 'AKIDBOB', secretAccessKey: 'bob-secret' };
    const probe = (credentials: typeof bob) => client(credentials).send(new ListTablesCommand({})).then(() => 'ok', (error: Error) => error.name);
    assert.equal(await probe(bob), 'UnrecognizedClientException');
    // INI this time: the format is told by the content.
    writeFileSync(credentialsFile, `[alice]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n\n[bob]\naws_access_key_id=${bob.accessKeyId}\naws_secret_access_key=${bob.secretAccessKey}\n`);
    await waitFor('bob\'s key to be accepted', () => probe(bob), (answer) => answer === 'ok');
    // Alice is now the INI's user alice, of the server's own account.
    const TableName = uniqueName('auth_reloaded');
    const created = await client(ALICE).send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    assert.equal(created.TableDescription!.TableArn, `arn:aws:dynamodb:us-east-1:${DEFAULT_CONFIG.account}:table/${TableName}`);
    writeFileSync(credentialsFile, '{"principals": [ broken');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(await probe(bob), 'ok');
    assert.equal(await probe(ALICE), 'ok');
    // Revoking a key takes effect as well.
    writeFileSync(credentialsFile, JSON.stringify(CREDENTIALS));
    await waitFor('bob\'s key to be refused', () => probe(bob), (answer) => answer === 'UnrecognizedClientException');
  });
});

describe('--auth none and the start-up rules', { skip: externalEndpoint !== undefined }, () => {
  test('--auth none accepts any signature, as before', async () => {
    const server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent' }, createLogger('silent'));
    try {
      const answer = await clientFor(server.endpoint, { credentials: { accessKeyId: 'anything', secretAccessKey: 'at-all' }, systemClockOffset: -3600_000 }).send(new ListTablesCommand({}));
      assert.deepEqual(answer.TableNames, []);
      const missing = await rawRequest(server.endpoint, { target: 'DynamoDB_20120810.ListTables', body: '{}', unsigned: true });
      assert.equal(refusal(missing).type, 'MissingAuthenticationTokenException');
    } finally {
      await server.close();
    }
  });

  test('a non-loopback address without --auth verify or --allow-anonymous refuses to start, in one line with exit code 2', async () => {
    const refused = await runChild(['--in-memory', '--port', '0', '--host', '0.0.0.0']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'dynalith: refusing to serve 0.0.0.0 without authentication: give --auth verify --credentials <file>, or --allow-anonymous to accept any request (see --help)\n');
    const noFile = await runChild(['--in-memory', '--port', '0', '--auth', 'verify']);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /^dynalith: --auth verify needs --credentials <file> \(see --help\)\n$/);
    const unreadable = await runChild(['--in-memory', '--port', '0', '--credentials', '/nonexistent/credentials']);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /^dynalith: cannot read credentials file \/nonexistent\/credentials: ENOENT/);
  });

  test('with --allow-anonymous, or with --auth verify, a non-loopback address is served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-auth-'));
    const file = join(dir, 'credentials');
    writeFileSync(file, `[default]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
    try {
      for (const flags of [['--allow-anonymous'], ['--auth', 'verify', '--credentials', file]]) {
        const child = await startChild(['--in-memory', '--port', '0', '--host', '0.0.0.0', ...flags]);
        try {
          const endpoint = child.endpoint.replace('0.0.0.0', '127.0.0.1');
          const answer = await clientFor(endpoint, { credentials: ALICE }).send(new ListTablesCommand({}));
          assert.deepEqual(answer.TableNames, []);
        } finally {
          child.process.kill('SIGTERM');
          await child.exited();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
