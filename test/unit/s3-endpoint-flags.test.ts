/** --s3-endpoint and its flags: defaults, AWS_* credentials, DYNALITH_* variables and the usage errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/cli.js';
import type { Config } from '../../src/config.js';

function config(argv: string[], env: NodeJS.ProcessEnv = {}): Config {
  const parsed = parseConfig(argv, env);
  assert.equal(typeof parsed, 'object');
  return parsed as Config;
}

describe('--s3-endpoint', () => {
  test('absent: buckets are --s3-dir folders', () => {
    assert.equal(config([]).s3Endpoint, undefined);
  });

  test('with flags: the endpoint, the default region and the flags\' credentials', () => {
    assert.deepEqual(config(['--s3-endpoint', 'http://127.0.0.1:9000', '--s3-access-key-id', 'K', '--s3-secret-access-key', 'S']).s3Endpoint, {
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'K', secretAccessKey: 'S' },
    });
  });

  test('credentials fall back to AWS_*, with the session token; DYNALITH_S3_* variables work as the flags', () => {
    const env = { DYNALITH_S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com', DYNALITH_S3_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'B', AWS_SESSION_TOKEN: 'T' };
    assert.deepEqual(config([], env).s3Endpoint, {
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'A', secretAccessKey: 'B', sessionToken: 'T' },
    });
  });

  test('usage errors', () => {
    const keys = ['--s3-access-key-id', 'K', '--s3-secret-access-key', 'S'];
    assert.throws(() => parseConfig(['--s3-endpoint', 'ftp://x', ...keys], {}), /--s3-endpoint must be an http:\/\/ or https:\/\/ URL/);
    assert.throws(() => parseConfig(['--s3-endpoint', 'http://x?a=1', ...keys], {}), /without query/);
    assert.throws(() => parseConfig(['--s3-endpoint', 'http://x'], {}), /--s3-endpoint needs credentials/);
    assert.throws(() => parseConfig(['--s3-endpoint', 'http://x', '--s3-access-key-id', 'K'], {}), /go together/);
    assert.throws(() => parseConfig(['--s3-region', 'eu-west-1'], {}), /--s3-region needs --s3-endpoint/);
    assert.throws(() => parseConfig(['--s3-endpoint', 'http://x', '--s3-dir', '/tmp/b', ...keys], {}), /exclude each other/);
    assert.throws(() => parseConfig(['--s3-endpoint', 'http://x', '--s3-region', 'EU West', ...keys], {}), /--s3-region must be/);
  });
});
