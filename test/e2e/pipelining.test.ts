import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { FAKE_AUTHORIZATION } from '../helpers/raw.js';
import { createTable } from '../helpers/tables.js';

/** One HTTP/1.1 request as it goes on the wire, for pipelining several in one write. */
function wireRequest(target: string, body: object): string {
  const text = JSON.stringify(body);
  return [
    'POST / HTTP/1.1',
    'Host: localhost',
    'Content-Type: application/x-amz-json-1.0',
    `X-Amz-Target: DynamoDB_20120810.${target}`,
    `Authorization: ${FAKE_AUTHORIZATION}`,
    `Content-Length: ${Buffer.byteLength(text)}`,
    '',
    text,
  ].join('\r\n');
}

/** Reads `count` responses from a socket, in order, answering their status and JSON bodies. */
function readResponses(socket: Socket, count: number): Promise<{ status: number; body: Record<string, unknown> }[]> {
  return new Promise((resolve, reject) => {
    const responses: { status: number; body: Record<string, unknown> }[] = [];
    let buffered = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
        if (buffered.length < end + 4 + length) return;
        const body = JSON.parse(buffered.subarray(end + 4, end + 4 + length).toString('utf8')) as Record<string, unknown>;
        responses.push({ status: Number(head.split(' ')[1]), body });
        buffered = buffered.subarray(end + 4 + length);
        if (responses.length === count) resolve(responses);
      }
    });
    socket.resume();
  });
}

describeEachBackend('Pipelined requests', (target) => {
  test('a client that does not read its answers makes the server stop working for it, not buffer', async () => {
    const ddb = target().ddb;
    const table = await createTable(ddb, 'pipelined');
    const key = { pk: { S: 'big' } };
    await ddb.send(new PutItemCommand({ TableName: table, Item: { ...key, n: { N: '0' }, pad: { S: 'x'.repeat(390_000) } } }));
    const count = async () => Number((await ddb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item!.n!.N);

    // 100 requests each answered with the whole 390 KB item (39 MB of answers), sent at once and not read.
    const requests = 100;
    const update = wireRequest('UpdateItem', {
      TableName: table,
      Key: key,
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'ALL_NEW',
    });
    const socket = connect(Number(new URL(target().endpoint).port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause();
    socket.write(update.repeat(requests));

    // Another client is served meanwhile; the count it reads is how many of the requests ran.
    let ran = -1;
    for (let unchanged = 0; unchanged < 5; ) {
      await sleep(100);
      const now = await count();
      unchanged = now === ran ? unchanged + 1 : 0;
      ran = now;
    }
    // Only what the kernel's socket buffers hold (a few MB) was answered, plus the answer waiting to be sent.
    assert.ok(ran > 0 && ran <= 40, `${ran} of ${requests} requests ran while their answers were not read`);

    // Once the client reads, every request runs, in the order sent, and is answered.
    const responses = await readResponses(socket, requests);
    socket.destroy();
    assert.deepEqual(
      responses.map(({ status, body }) => [status, (body.Attributes as Record<string, { N: string }>).n.N]),
      Array.from({ length: requests }, (_, i) => [200, String(i + 1)]),
    );
    assert.equal(await count(), requests);
  });
});
