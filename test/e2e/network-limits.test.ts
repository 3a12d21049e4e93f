/**
 * Who may connect and how much: --allow-from, --client-rate-limit and the
 * connection limits (server/network/), through the AWS SDK where a user
 * sees them and raw sockets where an SDK cannot show them.
 */
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';
import { rawRequest } from '../helpers/raw.js';

describeEachBackend('network: --allow-from refuses other addresses', (target) => {
  test('a client outside the blocks gets AccessDeniedException naming the action', async () => {
    const error = await errorOf(() => target().ddb.send(new ListTablesCommand({})));
    assert.equal(error.name, 'AccessDeniedException');
    assert.equal((error.$metadata as { httpStatusCode: number }).httpStatusCode, 400);
    assert.match(error.message, /^User: anonymous is not authorized to perform: dynamodb:ListTables because no VPC endpoint policy allows the dynamodb:ListTables action/);
    assert.match(error.message, /127\.0\.0\.1 is outside --allow-from/);
  });
}, { memoryOnly: true, config: { allowFrom: ['10.0.0.0/8', 'fd00::/8'] } });

describeEachBackend('network: --allow-from answers addresses inside', (target) => {
  test('a client inside a block is answered', async () => {
    assert.ok(Array.isArray((await target().ddb.send(new ListTablesCommand({}))).TableNames));
  });
}, { memoryOnly: true, config: { allowFrom: ['10.0.0.0/8', '127.0.0.0/8', '::1/128'] } });

describeEachBackend('network: --client-rate-limit', (target) => {
  test('requests over the rate get ThrottlingException "Rate exceeded"; the bucket holds one second of them', async () => {
    // 12 at once against 3 a second: at most 3 plus what a few milliseconds refill are answered.
    const answers = await Promise.allSettled(Array.from({ length: 12 }, () => target().ddb.send(new ListTablesCommand({}))));
    const throttled = answers.filter((answer) => answer.status === 'rejected');
    assert.ok(answers.length - throttled.length >= 3, 'the first three are answered');
    assert.ok(throttled.length >= 6, `${throttled.length} throttled`);
    const error = (throttled[0] as PromiseRejectedResult).reason as Error & { $metadata: { httpStatusCode: number } };
    assert.equal(error.name, 'ThrottlingException');
    assert.equal(error.message, 'Rate exceeded');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });
}, { memoryOnly: true, config: { clientRateLimit: 3 } });

/** An address of this machine that is not loopback (loopback clients are bounded by the total only), if it has one. */
const outward = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && !entry.internal && entry.family === 'IPv4')?.address;

describeEachBackend('network: --max-connections-per-ip', (target) => {
  test('a connection over the limit is answered 503 and closed; one is accepted again once another closes', { skip: outward === undefined && 'this machine has no address but loopback' }, async () => {
    const { port } = new URL(target().endpoint);
    const endpoint = `http://${outward}:${port}`;
    const open = async () => {
      const socket = connect(Number(port), outward!);
      await once(socket, 'connect');
      return socket;
    };
    const first = await open();
    const second = await open();
    const third = await open();
    let answer = '';
    third.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    await once(third, 'close');
    assert.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(answer, /Connection: close\r\n/);
    first.destroy();
    await once(first, 'close');
    // The server counts the closed one out once it has seen it close.
    let res;
    for (let attempt = 0; attempt < 50; attempt++) {
      res = await rawRequest(endpoint, { target: 'DynamoDB_20120810.ListTables', body: '{}', headers: { Connection: 'close' } }).catch(() => undefined);
      if (res?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(res?.status, 200);
    second.destroy();
  });
  test('loopback clients are bounded by the total only: they are every process of this machine under one address', async () => {
    const { port } = new URL(target().endpoint);
    const sockets = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const socket = connect(Number(port), '127.0.0.1');
        await once(socket, 'connect');
        return socket;
      }),
    );
    const res = await rawRequest(`http://127.0.0.1:${port}`, { target: 'DynamoDB_20120810.ListTables', body: '{}', headers: { Connection: 'close' } });
    assert.equal(res.status, 200);
    for (const socket of sockets) socket.destroy();
  });
}, { memoryOnly: true, config: { maxConnectionsPerIp: 2, host: '0.0.0.0', allowAnonymous: true } });
