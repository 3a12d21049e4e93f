/**
 * HTTPS with --tls-cert and --tls-key: the AWS SDK trusting a CA made here
 * (with the openssl command) reads and writes over it with keep-alive, plain
 * HTTP to the port is answered 400 and closed, and each request knows it came
 * over TLS and from where.
 */
import type { HttpRequest } from '../../src/server/http/request-parser.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Agent } from 'node:https';
import { connect as connectTls } from 'node:tls';
import { connect, type AddressInfo } from 'node:net';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { createHttpListener } from '../../src/server/http/listener.js';
import { clientFor } from '../helpers/harness.js';
import { createTable } from '../helpers/tables.js';
import { rawRequest } from '../helpers/raw.js';

const dir = mkdtempSync(join(tmpdir(), 'dynalith-tls-'));
const file = (name: string) => join(dir, name);
let server: RunningServer;
let ca: Buffer;

/** A CA, and a certificate it signed for localhost and 127.0.0.1. */
function makeCertificates(): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Dynalith test CA');
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('ext.cnf'));
  ca = readFileSync(file('ca.pem'));
}

before(async () => {
  makeCertificates();
  server = await startServer(
    { ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', tls: { certFile: file('server.pem'), keyFile: file('server.key') } },
    createLogger('silent'),
  );
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the AWS SDK, trusting the CA, writes and reads over HTTPS on kept-alive connections', async () => {
  assert.match(server.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 1 });
  let sockets = 0;
  const ddb = clientFor(server.endpoint, { requestHandler: { httpsAgent: agent } });
  const originalCreate = agent.createConnection.bind(agent);
  agent.createConnection = ((...args: Parameters<typeof originalCreate>) => {
    sockets++;
    return originalCreate(...args);
  }) as typeof agent.createConnection;
  const TableName = await createTable(ddb, 'tls');
  for (let i = 0; i < 5; i++) await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i}` }, v: { N: String(i) } } }));
  const got = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'k3' } } }));
  assert.deepEqual(got.Item, { pk: { S: 'k3' }, v: { N: '3' } });
  assert.equal(sockets, 1, 'every request went over one kept-alive TLS connection');
  ddb.destroy();
  agent.destroy();
});

test('a client that does not trust the certificate fails its handshake; the server goes on', async () => {
  const ddb = clientFor(server.endpoint);
  await assert.rejects(ddb.send(new GetItemCommand({ TableName: 'whatever', Key: { pk: { S: 'x' } } })), /self[- ]signed|unable to verify|certificate/i);
  ddb.destroy();
  const trusted = clientFor(server.endpoint, { requestHandler: { httpsAgent: new Agent({ ca }) } });
  await assert.rejects(trusted.send(new GetItemCommand({ TableName: 'no_such_table', Key: { pk: { S: 'x' } } })), { name: 'ResourceNotFoundException' });
  trusted.destroy();
});

test('plain HTTP to the HTTPS port is answered 400, saying so, and closed', async () => {
  const res = await rawRequest(server.endpoint.replace('https:', 'http:'), { target: 'DynamoDB_20120810.ListTables', body: '{}' });
  assert.equal(res.status, 400);
  assert.match(res.body.toString(), /This port speaks HTTPS/);
  assert.equal(res.headers.connection, 'close');
});

test('bytes that are neither HTTP nor a handshake, and a connection that says nothing, are closed', async () => {
  const port = Number(new URL(server.endpoint).port);
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.end(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]));
  socket.resume();
  await once(socket, 'close');
});

test('each request carries its peer: the client address and whether it came over TLS', async () => {
  const seen: HttpRequest['client'][] = [];
  const listener = createHttpListener(
    (request, reply) => {
      seen.push(request.client);
      reply.send(200, 'Content-Length: 0\r\n', '');
    },
    {
      headerBytes: 16 * 1024, bodyBytes: 1024, keepAliveMs: 5000, headersMs: 5000, requestMs: 5000, refusalHeaders: '',
      maxConnections: 10, maxConnectionsPerIp: 10, tls: { cert: readFileSync(file('server.pem')), key: readFileSync(file('server.key')) },
    },
  );
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  const { port } = listener.server.address() as AddressInfo;
  const socket = connectTls({ port, host: '127.0.0.1', ca, servername: 'localhost' });
  try {
    await once(socket, 'secureConnect');
    let answers = '';
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString('latin1')));
    // Two requests on one connection: both answered, the connection kept.
    socket.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\nPOST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n');
    while ((answers.match(/HTTP\/1\.1 200/g) ?? []).length < 2) await once(socket, 'data');
    assert.doesNotMatch(answers, /Connection: close/);
    assert.deepEqual(seen.map(({ address, secure }) => ({ address, secure })), [{ address: '127.0.0.1', secure: true }, { address: '127.0.0.1', secure: true }]);
    // What was negotiated travels with each request too (the audit log's tlsDetails).
    assert.ok(seen.every((client) => client.tls?.version.startsWith('TLS') === true && client.tls.cipher !== ''), JSON.stringify(seen));
  } finally {
    socket.destroy();
    await listener.stop();
  }
});
