/**
 * Property tests of `--auth verify` against malformed input: any
 * Authorization header, any presigned query string and any credentials file
 * gets one of DynamoDB's authentication refusals (or, for a file, the
 * parser's own error), never a 500 or a crash.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { CredentialsFileError, parseCredentials } from '../../src/security/credentials-file.js';
import { externalEndpoint } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw.js';
import { fuzz } from '../helpers/fuzz/run.js';

const REFUSALS = new Set(['MissingAuthenticationTokenException', 'IncompleteSignatureException', 'InvalidSignatureException', 'UnrecognizedClientException']);

/** Text a header value may hold: printable ASCII and tabs. */
const headerText = (maxLength: number) => fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), fc.constant('\t')), maxLength });

/** Pieces Authorization headers are made of, right and wrong, joined by what separates them. */
const authorization = fc
  .tuple(
    fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512', 'AWS4-', 'AWS4-HMAC-SHA256,', ' AWS4-HMAC-SHA256'),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('Credential', 'SignedHeaders', 'Signature', 'credential', 'Other', ''), fc.constantFrom('=', '', '=='), headerText(40)).map(([name, equals, value]) => `${name}${equals}${value}`),
        fc.tuple(fc.constantFrom('AKIDALICE', 'AKIDNOBODY', ''), fc.constantFrom('20260101', 'x', ''), fc.constantFrom('us-east-1', 'US', ''), fc.constantFrom('dynamodb', 'monitoring', ''), fc.constantFrom('aws4_request', '')).map((parts) => `Credential=${parts.join('/')}`),
        fc.constantFrom('SignedHeaders=host;x-amz-date', 'SignedHeaders=;;', `Signature=${'a'.repeat(64)}`),
        headerText(20),
      ),
      { maxLength: 6 },
    ),
    fc.array(fc.constantFrom(',', ' ', ', ', ',,', '\t'), { minLength: 6, maxLength: 6 }),
  )
  .map(([algorithm, parts, separators]) => `${algorithm} ${parts.map((part, index) => `${part}${separators[index]}`).join('')}`);

const date = fc.oneof(
  fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31') }).map((when) => (Number.isNaN(when.getTime()) ? '' : when.toISOString().replace(/[-:]|\.\d{3}/g, ''))),
  fc.constant(new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')),
  fc.constantFrom('20261301T000000Z', '20260230T250000Z', 'Tue, 01 Jan 2030 00:00:00 GMT', ''),
  headerText(24),
);

const QUERY_NAMES = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'Other'];

/** Query strings of presigned requests: the parameters in any order and number, values encoded or left broken. */
const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(...QUERY_NAMES),
      fc.oneof(
        headerText(30).map(encodeURIComponent),
        fc.constantFrom('%', '%zz', '%E0%A4%A', 'AWS4-HMAC-SHA256', 'AKIDALICE%2F20260101%2Fus-east-1%2Fdynamodb%2Faws4_request', '-1', '99999999999', 'host'),
        date.map(encodeURIComponent),
      ),
      fc.boolean(),
    ),
    { maxLength: 9 },
  )
  .map((pairs) => pairs.map(([name, value, withEquals]) => (withEquals ? `${name}=${value}` : name)).join('&'));

describe('fuzz: authentication', { skip: externalEndpoint !== undefined }, () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dynalith-auth-fuzz-'));
    const credentialsFile = join(dir, 'credentials');
    writeFileSync(credentialsFile, '[alice]\naws_access_key_id = AKIDALICE\naws_secret_access_key = secret\n');
    server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', auth: 'verify', credentialsFile }, createLogger('silent'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refused = async (options: Parameters<typeof rawRequest>[1], context: unknown) => {
    const response = await rawRequest(server.endpoint, { target: 'DynamoDB_20120810.ListTables', body: '{}', ...options });
    const body = response.body.toString();
    assert.equal(response.status, 400, `${JSON.stringify(context)}: ${response.status} ${body}`);
    const type = String(response.json().__type).replace(/^.*#/, '');
    assert.ok(REFUSALS.has(type), `${JSON.stringify(context)}: ${body}`);
  };

  test('any Authorization header, with any date, is refused with an authentication error', async () => {
    await fuzz(
      'authorization headers',
      300,
      fc.asyncProperty(authorization, fc.option(date), fc.option(date), fc.option(headerText(20)), async (header, amzDate, httpDate, token) => {
        const headers: Record<string, string> = { Authorization: header };
        if (amzDate !== null) headers['X-Amz-Date'] = amzDate;
        if (httpDate !== null) headers.Date = httpDate;
        if (token !== null) headers['X-Amz-Security-Token'] = token;
        await refused({ headers, unsigned: true }, headers);
      }),
    );
  });

  test('any presigned query string is refused with an authentication error', async () => {
    await fuzz(
      'presigned query strings',
      300,
      fc.asyncProperty(queryString, fc.boolean(), async (query, withHeader) => {
        const options = { path: `/?${query}`, unsigned: !withHeader };
        await refused(options, options);
      }),
    );
  });

  test('any credentials file either parses or is refused with a reason', async () => {
    const entry = fc.dictionary(
      fc.constantFrom('accessKeyId', 'secretAccessKey', 'sessionToken', 'account', 'user', 'role', 'session', 'root', 'tags', 'policies', 'other'),
      fc.oneof(fc.string(), fc.constantFrom('123456789012', 'AKID', ''), fc.boolean(), fc.integer(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer()))),
    );
    const texts = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.array(entry, { maxLength: 4 }).map((principals) => JSON.stringify({ principals })),
      fc
        .array(fc.oneof(fc.constantFrom('[default]', '[profile x]', '[]', '[', 'aws_access_key_id = AKID', 'aws_secret_access_key=s', 'aws_session_token =', '# comment', '=', 'region = us-east-1'), fc.string({ maxLength: 20 })), { maxLength: 8 })
        .map((lines) => lines.join('\n')),
    );
    await fuzz(
      'credentials files',
      500,
      fc.property(texts, (text) => {
        try {
          for (const [accessKeyId, credential] of parseCredentials(text, DEFAULT_CONFIG.account)) {
            assert.ok(accessKeyId !== '' && credential.secretAccessKey !== '', text);
            assert.match(credential.principal.arn, /^arn:aws:(iam|sts)::\d{12}:/, text);
          }
        } catch (error) {
          if (!(error instanceof CredentialsFileError)) throw error;
        }
      }),
    );
  });
});
