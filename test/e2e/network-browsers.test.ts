/**
 * Browsers and the network rules (server/network/): pages of loopback origins
 * may call the server, other sites' pages are refused, a DNS-rebound Host is
 * refused, and --cors / --allowed-hosts allow more. SDKs send no Origin and
 * are unaffected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { clientFor, describeEachBackend } from '../helpers/harness.js';
import { rawRequest, type RawResponse } from '../helpers/raw.js';

const LIST = 'DynamoDB_20120810.ListTables';

const fromOrigin = (endpoint: string, Origin: string, extra: Record<string, string> = {}) =>
  rawRequest(endpoint, { target: LIST, body: '{}', headers: { Origin, ...extra } });

const preflight = (endpoint: string, Origin: string) =>
  rawRequest(endpoint, {
    method: 'OPTIONS',
    unsigned: true,
    headers: { Origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-amz-target,authorization' },
  });

function assertRefused(res: RawResponse, what: RegExp): void {
  assert.equal(res.status, 403);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  assert.equal(res.json().__type, 'com.amazon.coral.service#AccessDeniedException');
  assert.match(String(res.json().Message), what);
}

describeEachBackend('network: browsers by default', (target) => {
  test('a page of another site is refused, its preflight too, with no CORS headers', async () => {
    assertRefused(await fromOrigin(target().endpoint, 'https://evil.example'), /Origin https:\/\/evil\.example is not allowed/);
    assertRefused(await preflight(target().endpoint, 'https://evil.example'), /--cors/);
    // Look-alikes of loopback names are other sites.
    for (const origin of ['http://localhost.evil.example', 'http://127.0.0.1.evil.example:3000', 'null', 'file://', 'chrome-extension://abc']) {
      assert.equal((await fromOrigin(target().endpoint, origin)).status, 403, origin);
    }
  });

  test('pages of loopback origins are answered, with CORS headers naming the origin', async () => {
    for (const origin of ['http://localhost:3000', 'https://localhost', 'http://127.0.0.1:5173', 'http://[::1]:8080', 'http://app.localhost:4200']) {
      const res = await fromOrigin(target().endpoint, origin);
      assert.equal(res.status, 200, origin);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers.vary, 'Origin');
      const pre = await preflight(target().endpoint, origin);
      assert.equal(pre.status, 200);
      assert.equal(pre.headers['access-control-allow-origin'], origin);
      assert.match(String(pre.headers['access-control-allow-headers']), /x-amz-target/);
      assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    }
  });

  test('a DNS-rebound Host (another name that resolved to this server) is refused; loopback names and addresses are not', async () => {
    const rebound = await rawRequest(target().endpoint, { target: LIST, body: '{}', headers: { Host: 'rebind.evil.example:8000' } });
    // Look-alikes of names that are accepted are other names.
    for (const host of ['localhost.evil.example', 'dynamodb.us-east-1.amazonaws.com.evil.example', '127.0.0.1.nip.io']) {
      assert.equal((await rawRequest(target().endpoint, { target: LIST, body: '{}', headers: { Host: host } })).status, 403, host);
    }
    assertRefused(rebound, /Host rebind\.evil\.example:8000 is not allowed: start dynalith with --allowed-hosts/);
    // The health check and a same-origin request from the rebound page alike.
    assert.equal((await rawRequest(target().endpoint, { method: 'GET', unsigned: true, headers: { Host: 'rebind.evil.example' } })).status, 403);
    for (const host of ['localhost:8000', 'LOCALHOST', 'localhost.', '127.0.0.1:1', '[::1]:8000', '192.168.1.20:8000', '[fd00::1]', 'dynalith:8000', 'dynamodb.eu-west-3.amazonaws.com', 'streams.dynamodb.us-east-1.amazonaws.com']) {
      assert.equal((await rawRequest(target().endpoint, { target: LIST, body: '{}', headers: { Host: host } })).status, 200, host);
    }
  });

  test('SDKs are unaffected, by address or by localhost', async () => {
    const port = new URL(target().endpoint).port;
    for (const endpoint of [target().endpoint, `http://localhost:${port}`]) {
      const client = clientFor(endpoint);
      assert.ok(Array.isArray((await client.send(new ListTablesCommand({}))).TableNames));
      client.destroy();
    }
  });

  test('odd Origin and Host values are answered 200 or 403, never an error of the server', async () => {
    const endpoint = target().endpoint;
    const header = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,40}$/);
    await fc.assert(
      fc.asyncProperty(header, fc.constantFrom('Origin', 'Host'), async (value, name) => {
        const res = await rawRequest(endpoint, { target: LIST, body: '{}', headers: { [name]: value } });
        assert.ok(res.status === 200 || res.status === 403, `${name}: ${value} answered ${res.status}`);
      }),
      { numRuns: 150 },
    );
    for (const host of ['[', '[::1', ':80', 'localhost:99999999', 'a b', '[::1]x', 'http://localhost']) {
      const res = await rawRequest(endpoint, { target: LIST, body: '{}', headers: { Host: host } });
      assert.ok(res.status === 200 || res.status === 403, host);
    }
  });
}, { memoryOnly: true });

describeEachBackend('network: --cors and --allowed-hosts', (target) => {
  test('--cors allows a listed origin, and only it', async () => {
    const res = await fromOrigin(target().endpoint, 'https://app.example.com');
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal((await preflight(target().endpoint, 'https://app.example.com')).status, 200);
    assert.equal((await fromOrigin(target().endpoint, 'https://app.example.com:8443')).status, 403);
    assert.equal((await fromOrigin(target().endpoint, 'http://localhost:3000')).status, 200);
  });

  test('--allowed-hosts allows a LAN name and a domain\'s names', async () => {
    for (const host of ['dynalith.lan:8000', 'db.dev.example.com', 'dev.example.com']) {
      assert.equal((await rawRequest(target().endpoint, { target: LIST, body: '{}', headers: { Host: host } })).status, 200, host);
    }
    assert.equal((await rawRequest(target().endpoint, { target: LIST, body: '{}', headers: { Host: 'other.lan' } })).status, 403);
  });
}, { memoryOnly: true, config: { cors: ['https://app.example.com'], allowedHosts: ['dynalith.lan', '.dev.example.com'] } });

describeEachBackend('network: --cors *', (target) => {
  test('every origin is answered, with Access-Control-Allow-Origin: *', async () => {
    const res = await fromOrigin(target().endpoint, 'https://anything.example');
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });
}, { memoryOnly: true, config: { cors: ['*'] } });
