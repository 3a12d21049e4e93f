/**
 * Shutdown under load: SIGTERM (or the in-process close()) stops accepting,
 * answers what is in flight with `Connection: close`, and exits in bounded
 * time however busy the keep-alive connections are, losing nothing
 * acknowledged. No assertion is about speed: the deadlines only catch hangs,
 * and "the server is draining" is observed as a refused connection.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { BatchGetItemCommand, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { startChild, type ChildServer } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';
import { FAKE_AUTHORIZATION } from '../helpers/raw.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { startServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';

const TABLE = 'shutdown_load';
const CLIENTS = 8;
/** Writes acknowledged before the signal: a count, not a time. */
const SIGNAL_AFTER = 1000;
/** Far longer than any shutdown here takes: only a hang reaches it. */
const HANG = 60_000;
/** Errors of a connection the server closed or refused: the request was not answered, and not acknowledged. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
}

function headersFor(target: string, length: number): Record<string, string> {
  return {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `DynamoDB_20120810.${target}`,
    Authorization: FAKE_AUTHORIZATION,
    'Content-Length': String(length),
  };
}

function putBody(id: string): Buffer {
  return Buffer.from(JSON.stringify({ TableName: TABLE, Item: { id: { S: id }, payload: { S: id.repeat(10) } } }));
}

/** Starts a request and returns its answer; the caller writes the body. */
function open(endpoint: string, agent: Agent | false, target: string, body: Buffer, extraHeaders: Record<string, string> = {}): { req: ClientRequest; answer: Promise<Answer> } {
  const url = new URL(endpoint);
  const headers = { ...headersFor(target, body.length), ...extraHeaders };
  const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers });
  const answer = new Promise<Answer>((resolve, reject) => {
    const hang = setTimeout(() => reject(new Error(`no answer to ${target} within ${HANG} ms`)), HANG);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(hang);
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      });
    });
    req.on('error', (error) => {
      clearTimeout(hang);
      reject(error);
    });
  });
  return { req, answer };
}

function connectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && CONNECTION_ERRORS.has(code);
}

/** Resolves once a new connection is refused: the server has stopped listening. */
async function untilRefused(endpoint: string): Promise<void> {
  const url = new URL(endpoint);
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface HeldRequest {
  finish(): void;
  cut(): void;
  readonly answer: Promise<Answer>;
}

/**
 * A PutItem whose body is held back after its first bytes: in flight until
 * `finish`. It resolves once the server has read its headers (its 100
 * Continue), so the server counts it as a request under way, not an idle
 * connection.
 */
async function heldPut(endpoint: string, id: string): Promise<HeldRequest> {
  const body = putBody(id);
  const { req, answer } = open(endpoint, false, 'PutItem', body, { Expect: '100-continue' });
  answer.catch(() => undefined);
  await new Promise((resolve) => req.once('continue', resolve));
  req.write(body.subarray(0, 20));
  return { finish: () => req.end(body.subarray(20)), cut: () => req.destroy(), answer };
}

function exitsWithin(server: ChildServer): Promise<number | null> {
  return Promise.race([
    server.exited(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running ${HANG} ms after the signal:\n${server.output()}`)), HANG).unref()),
  ]);
}

async function createTable(endpoint: string): Promise<void> {
  const client = clientFor(endpoint);
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  client.destroy();
}

async function missingItems(endpoint: string, ids: readonly string[]): Promise<string[]> {
  const client = clientFor(endpoint);
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const wanted = ids.slice(i, i + 100);
    const { Responses } = await client.send(
      new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: wanted.map((id) => ({ id: { S: id } })), ConsistentRead: true } } }),
    );
    const found = new Set((Responses?.[TABLE] ?? []).map((item) => item.id!.S));
    missing.push(...wanted.filter((id) => !found.has(id)));
  }
  client.destroy();
  return missing;
}

/**
 * Keep-alive writers, each on its own connection, writing until their server
 * refuses them. `onAck` is told of every acknowledged write; once `stop` has
 * been called, being answered for longer than HANG fails them.
 */
function writers(endpoint: string, onAck: (id: string, answer: Answer) => void): { done: Promise<void[]>; stop(): void } {
  let stoppedAt: number | undefined;
  const done = Promise.all(
    Array.from({ length: CLIENTS }, async (_, w) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; ; i++) {
          const id = `w${w}-${i}`;
          let answer: Answer;
          try {
            const body = putBody(id);
            const started = open(endpoint, agent, 'PutItem', body);
            started.req.end(body);
            answer = await started.answer;
          } catch (error) {
            if (connectionError(error)) return;
            throw error;
          }
          assert.equal(answer.status, 200);
          onAck(id, answer);
          if (stoppedAt !== undefined && performance.now() - stoppedAt > HANG) throw new Error(`still answered ${HANG} ms after the shutdown began`);
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return { done, stop: () => (stoppedAt ??= performance.now()) };
}

describe('shutdown', { skip: externalEndpoint !== undefined, timeout: 4 * HANG }, () => {
  test('SIGTERM under keep-alive load: exits 0, answers in flight with Connection: close, loses nothing acknowledged', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-shutdown-'));
    // The timeout is out of reach: the server must get out by draining, not by cutting connections.
    const args = ['--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent', '--shutdown-timeout-ms', String(10 * HANG)];
    const server = await startChild(args);
    t.after(() => server.process.kill('SIGKILL'));
    await createTable(server.endpoint);
    const held = await heldPut(server.endpoint, 'held');
    const acknowledged: string[] = [];
    let signalled = false;
    const load = writers(server.endpoint, (id) => {
      acknowledged.push(id);
      if (acknowledged.length >= SIGNAL_AFTER && !signalled) {
        signalled = true;
        load.stop();
        server.process.kill('SIGTERM');
      }
    });
    await load.done;
    assert.ok(signalled, 'the writers stopped before the signal');
    // Refused: the listener is shut, yet the process waits for the request still arriving.
    await untilRefused(server.endpoint);
    held.finish();
    assert.deepEqual(await held.answer, { status: 200, connection: 'close' });
    assert.equal(await exitsWithin(server), 0);

    const restarted = await startChild(args);
    t.after(() => restarted.process.kill('SIGKILL'));
    assert.deepEqual(await missingItems(restarted.endpoint, [...acknowledged, 'held']), []);
    restarted.process.kill('SIGTERM');
    assert.equal(await exitsWithin(restarted), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a connection that never finishes its request is cut off after --shutdown-timeout-ms', async (t) => {
    const server = await startChild(['--in-memory', '--port', '0', '--log-level', 'silent', '--shutdown-timeout-ms', '100']);
    t.after(() => server.process.kill('SIGKILL'));
    await createTable(server.endpoint);
    const held = await heldPut(server.endpoint, 'never');
    server.process.kill('SIGTERM');
    await assert.rejects(held.answer, connectionError);
    assert.equal(await exitsWithin(server), 0);
  });

  for (const [first, second, code] of [
    ['SIGTERM', 'SIGTERM', 128 + 15],
    ['SIGINT', 'SIGTERM', 128 + 15],
    ['SIGTERM', 'SIGINT', 128 + 2],
  ] as const) {
    test(`a second signal exits at once (${first}, then ${second})`, async (t) => {
      const server = await startChild(['--in-memory', '--port', '0', '--log-level', 'silent', '--shutdown-timeout-ms', String(10 * HANG)]);
      t.after(() => server.process.kill('SIGKILL'));
      const held = await heldPut(server.endpoint, 'never');
      server.process.kill(first);
      await untilRefused(server.endpoint);
      // Draining: the held request keeps it running, for ten times the hang deadline.
      assert.equal(server.process.exitCode, null);
      server.process.kill(second);
      assert.equal(await exitsWithin(server), code);
      held.cut();
    });
  }

  test('close() in process: drains keep-alive load, and cutOff ends a connection that never finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-shutdown-'));
    const config = { ...DEFAULT_CONFIG, port: 0, dataDir: join(dir, 'data'), logLevel: 'silent', shutdownTimeoutMs: 10 * HANG };
    const running = await startServer(config, createLogger('silent'));
    await createTable(running.endpoint);
    const acknowledged: string[] = [];
    let closing: Promise<void> | undefined;
    const load = writers(running.endpoint, (id) => {
      acknowledged.push(id);
      if (acknowledged.length === SIGNAL_AFTER) {
        load.stop();
        closing = running.close();
      }
    });
    await load.done;
    await Promise.race([closing, new Promise((_, reject) => setTimeout(() => reject(new Error('close() hangs under load')), HANG).unref())]);

    const again = await startServer(config, createLogger('silent'));
    assert.deepEqual(await missingItems(again.endpoint, acknowledged), []);
    const held = await heldPut(again.endpoint, 'never');
    const closed = again.close();
    await untilRefused(again.endpoint);
    await again.close({ cutOff: true });
    await closed;
    await assert.rejects(held.answer, connectionError);
    rmSync(dir, { recursive: true, force: true });
  });
});
