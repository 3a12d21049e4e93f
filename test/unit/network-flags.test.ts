import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/cli.js';
import type { Config } from '../../src/config.js';
import { parseAddressList } from '../../src/server/network/address-list.js';
import { RequestRateLimiter } from '../../src/server/network/client-limits.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseConfig(argv, env) as Config;

test('network flags and their environment variables', () => {
  const config = parse(['--cors', 'https://app.example.com, http://x.test:8080/', '--allowed-hosts', 'Dynalith.LAN,.example.com', '--allow-from', '10.0.0.0/8,fd00::/8,192.168.1.5', '--client-rate-limit', '50', '--max-connections', '100', '--max-connections-per-ip', '10', '--keep-alive-timeout-ms', '5000', '--headers-timeout-ms', '2000', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']);
  assert.deepEqual(config.cors, ['https://app.example.com', 'http://x.test:8080']);
  assert.deepEqual(config.allowedHosts, ['dynalith.lan', '.example.com']);
  assert.deepEqual(config.allowFrom, ['10.0.0.0/8', 'fd00::/8', '192.168.1.5']);
  assert.deepEqual([config.clientRateLimit, config.maxConnections, config.maxConnectionsPerIp, config.keepAliveTimeoutMs, config.headersTimeoutMs], [50, 100, 10, 5000, 2000]);
  assert.deepEqual(config.tls, { certFile: 'c.pem', keyFile: 'k.pem' });
  const fromEnv = parse([], { DYNALITH_CORS: '*', DYNALITH_ALLOWED_HOSTS: '*', DYNALITH_CLIENT_RATE_LIMIT: '7' });
  assert.deepEqual([fromEnv.cors, fromEnv.allowedHosts, fromEnv.clientRateLimit], [['*'], ['*'], 7]);
  const defaults = parse([]);
  assert.deepEqual([defaults.cors, defaults.allowedHosts, defaults.allowFrom, defaults.clientRateLimit, defaults.tls], [[], [], [], 0, undefined]);
});

test('bad network flags are usage errors', () => {
  assert.throws(() => parse(['--cors', 'evil.example']), /--cors takes origins/);
  assert.throws(() => parse(['--cors', 'https://a.example/path']), /--cors takes origins/);
  assert.throws(() => parse(['--allowed-hosts', 'a b']), /--allowed-hosts takes host names/);
  assert.throws(() => parse(['--allow-from', '10.0.0.0/33']), /--allow-from takes CIDR blocks/);
  assert.throws(() => parse(['--allow-from', 'fd00::/129']), /--allow-from takes CIDR blocks/);
  assert.throws(() => parse(['--allow-from', 'somewhere']), /--allow-from takes CIDR blocks/);
  assert.throws(() => parse(['--tls-cert', 'c.pem']), /--tls-cert and --tls-key go together/);
  assert.throws(() => parse(['--client-rate-limit=-1']), /--client-rate-limit must be an integer/);
  assert.throws(() => parse(['--max-connections', 'many']), /--max-connections must be an integer/);
});

test('an address list matches IPv4, IPv6 and IPv4-mapped addresses in its blocks only', () => {
  const list = parseAddressList(['10.0.0.0/8', 'fd00::/8', '192.168.1.5']);
  for (const inside of ['10.1.2.3', '::ffff:10.1.2.3', 'fd12::1', '192.168.1.5']) assert.ok(list.has(inside), inside);
  for (const outside of ['11.0.0.1', '192.168.1.6', 'fe80::1', '', 'garbage']) assert.ok(!list.has(outside), outside);
});

test('the rate limiter allows a second of requests at once, then the rate', () => {
  const limiter = new RequestRateLimiter(4);
  const at = 1_000_000;
  assert.deepEqual([1, 2, 3, 4, 5].map(() => limiter.take('a', at)), [true, true, true, true, false]);
  assert.equal(limiter.take('b', at), true, 'another address has its own bucket');
  assert.equal(limiter.take('a', at + 250), true, 'a quarter second refills one');
  assert.equal(limiter.take('a', at + 250), false);
});
