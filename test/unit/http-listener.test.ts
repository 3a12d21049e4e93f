import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpListener, type HttpListener } from '../../src/server/http/listener.js';
import type { RequestHandler } from '../../src/server/http/connection.js';

/** Answers each request with its method, url and body; a body of `wait:N` is answered after N ms. */
const echo: RequestHandler = (request, reply) => {
  const body = request.body === undefined ? '(too large)' : request.body.toString('latin1');
  const text = `${request.method} ${request.url} ${body}`;
  const answer = () => reply.send(200, `X-Echo: ${request.headers['x-echo'] ?? ''}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n`, text);
  const wait = /^wait:(\d+)$/.exec(body);
  if (wait) setTimeout(answer, Number(wait[1]));
  else answer();
};

const FAST = { headerBytes: 16 * 1024, bodyBytes: 1000, keepAliveMs: 300, headersMs: 300, requestMs: 600, refusalHeaders: 'Server: Test\r\n', maxConnections: 100, maxConnectionsPerIp: 100 };

async function listen(settings = FAST): Promise<{ listener: HttpListener; port: number }> {
  const listener = createHttpListener(echo, settings);
  listener.server.listen(0, '127.0.0.1');
  await once(listener.server, 'listening');
  return { listener, port: (listener.server.address() as AddressInfo).port };
}

/** A raw connection that records every byte it receives and when it closed. */
async function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<unknown> }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return { socket, received: () => text, closed };
}

const post = (body: string, extra = '') => `POST / HTTP/1.1\r\n${extra}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;

/** Waits until `received` holds `count` answers (heads and their bodies). */
async function answers(received: () => string, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const parts = received().split(/(?=HTTP\/1\.1 )/).filter((part) => part !== '');
    if (parts.length >= count) return parts;
    await sleep(10);
  }
  assert.fail(`fewer than ${count} answers: ${JSON.stringify(received())}`);
}

test('pipelined requests are answered in order even when an earlier answer comes later', async () => {
  const { listener, port } = await listen();
  const client = await open(port);
  client.socket.write(post('wait:50') + post('second') + post('wait:10'));
  const got = await answers(client.received, 3);
  assert.deepEqual(
    got.map((answer) => answer.slice(answer.lastIndexOf('\r\n\r\n') + 4)),
    ['POST / wait:50', 'POST / second', 'POST / wait:10'],
  );
  assert.match(got[0]!, /^HTTP\/1\.1 200 OK\r\n[^]*Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} [\d:]{8} GMT\r\n[^]*Connection: keep-alive\r\nKeep-Alive: timeout=0\r\n\r\n/);
  client.socket.destroy();
  await listener.stop();
});

test('a client that ends its side after its requests still gets every answer', async () => {
  const { listener, port } = await listen();
  const client = await open(port);
  client.socket.end(post('wait:30') + post('b'));
  await client.closed;
  assert.deepEqual(
    client.received().split(/(?=HTTP\/1\.1 )/).map((answer) => answer.slice(answer.lastIndexOf('\r\n\r\n') + 4)),
    ['POST / wait:30', 'POST / b'],
  );
  await listener.stop();
});

test('Expect: 100-continue gets its go-ahead; a body over the limit gets the answer and the connection closes', async () => {
  const { listener, port } = await listen();
  const client = await open(port);
  client.socket.write('POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
  await answers(client.received, 1);
  assert.equal(client.received(), 'HTTP/1.1 100 Continue\r\n\r\n');
  client.socket.write('ok');
  const got = await answers(client.received, 2);
  assert.match(got[1]!, /POST \/ ok$/);

  const large = await open(port);
  large.socket.write('POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n');
  await large.closed;
  assert.match(large.received(), /^HTTP\/1\.1 200 OK\r\n[^]*Connection: close\r\n\r\nPOST \/ \(too large\)$/);
  client.socket.destroy();
  await listener.stop();
});

test('a body over the limit without Expect is answered at once and skipped; the connection goes on', async () => {
  const { listener, port } = await listen();
  const client = await open(port);
  client.socket.write('POST / HTTP/1.1\r\nContent-Length: 3000\r\n\r\n');
  await answers(client.received, 1);
  client.socket.write('x'.repeat(3000) + post('after'));
  const got = await answers(client.received, 2);
  assert.match(got[0]!, /\(too large\)$/);
  assert.match(got[1]!, /POST \/ after$/);
  client.socket.destroy();
  await listener.stop();
});

test('idle keep-alive connections close; slow heads and slow bodies get a 408', async () => {
  const { listener, port } = await listen();
  const idle = await open(port);
  idle.socket.write(post('a'));
  await idle.closed;
  assert.match(idle.received(), /POST \/ a$/);

  const slowHead = await open(port);
  slowHead.socket.write('POST / HTTP/1.1\r\nContent-');
  await slowHead.closed;
  assert.equal(slowHead.received(), 'HTTP/1.1 408 Request Timeout\r\nServer: Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');

  // Within the head's timeout, then the body keeps it waiting past the request's.
  const slowBody = await open(port);
  slowBody.socket.write('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345');
  await sleep(450);
  assert.equal(slowBody.received(), '', 'the head timeout does not apply to the body');
  slowBody.socket.write('6');
  await slowBody.closed;
  assert.match(slowBody.received(), /^HTTP\/1\.1 408 /);
  await listener.stop();
});

test('a header value with Latin-1 characters goes back as single bytes', async () => {
  const { listener, port } = await listen();
  const client = await open(port);
  client.socket.write(post('x', 'X-Echo: caf\xe9\r\n'), 'latin1');
  const [answer] = await answers(client.received, 1);
  assert.match(answer!, /\r\nX-Echo: caf\xe9\r\n/);
  assert.match(answer!, /\r\n\r\nPOST \/ x$/);
  client.socket.destroy();
  await listener.stop();
});

test('stop(): idle connections close now, a request under way is answered with Connection: close', async () => {
  const { listener, port } = await listen({ ...FAST, keepAliveMs: 60_000, requestMs: 60_000, headersMs: 60_000 });
  const idle = await open(port);
  idle.socket.write(post('a'));
  await answers(idle.received, 1);
  const busy = await open(port);
  busy.socket.write('POST / HTTP/1.1\r\nContent-Length: 7\r\n\r\nwait');
  await sleep(20);
  const stopped = listener.stop();
  await idle.closed;
  busy.socket.write(':20');
  await busy.closed;
  assert.match(busy.received(), /Connection: close\r\n\r\nPOST \/ wait:20$/);
  await stopped;
});
