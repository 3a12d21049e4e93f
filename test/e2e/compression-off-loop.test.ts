/**
 * Compression never holds up the event loop: a large response is gzipped,
 * and a large request body gunzipped, by zlib's asynchronous API on Node's
 * thread pool, so other connections are answered meanwhile. Shown by
 * ordering, not by time: a request sent once the big response's compression
 * has begun is answered before the big response's first byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, externalEndpoint } from '../helpers/harness.js';
import { createTable } from '../helpers/tables.js';
import { FAKE_AUTHORIZATION, rawRequest } from '../helpers/raw.js';
import { prng } from '../helpers/random.js';
import { compress, decodeBody } from '../../src/server/compression.js';

const TARGET = 'DynamoDB_20120810.';
const ITEMS = 40;
/** Items of ~390 KB of seeded random text: a 15.6 MB BatchGetItem response that gzip has real work with. */
const ITEM_CHARS = 390_000;

function randomText(seed: number, length: number): string {
  const next = prng(seed);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * 64)];
  return text;
}

/** How many event-loop turns pass while `work` is pending: none if it ran synchronously. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.then(() => (done = true));
  let turns = 0;
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!done) turns += 1;
  }
  return turns;
}

test('compress and decodeBody let the event loop turn while they work', async () => {
  const text = randomText(1, 4_000_000);
  const compressed = compress(text, 'gzip');
  assert.ok((await turnsDuring(compressed)) > 0);
  const gzipped = await compressed;
  assert.equal(gunzipSync(gzipped).toString(), text);
  const decoded = decodeBody(gzipSync(text), 'gzip', 16 * 1024 * 1024);
  assert.ok((await turnsDuring(decoded)) > 0);
  assert.equal((await decoded).toString(), text);
});

describeEachBackend('a large gzip response does not hold up other connections', (target) => {
  test('a request sent while it is compressed is answered before it', { skip: externalEndpoint !== undefined }, async () => {
    const table = await createTable(target().ddb, 'gzip_big');
    for (let i = 0; i < ITEMS; i++) {
      await target().ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` }, data: { S: randomText(i, ITEM_CHARS) } } }));
    }
    // zlib's handles are async resources: one is made when the server starts compressing.
    let zlibHandles = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'ZLIB') zlibHandles += 1;
      },
    }).enable();
    try {
      const order: string[] = [];
      const url = new URL(target().endpoint);
      const body = JSON.stringify({ RequestItems: { [table]: { Keys: Array.from({ length: ITEMS }, (_, i) => ({ pk: { S: `k${i}` } })) } } });
      const big = new Promise<Buffer>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path: '/',
            headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `${TARGET}BatchGetItem`, Authorization: FAKE_AUTHORIZATION, 'Accept-Encoding': 'gzip' },
          },
          (res) => {
            order.push('big');
            assert.equal(res.headers['content-encoding'], 'gzip');
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      while (zlibHandles === 0) await new Promise((resolve) => setImmediate(resolve));
      const small = await rawRequest(target().endpoint, { target: `${TARGET}DescribeTable`, body: JSON.stringify({ TableName: table }) });
      order.push('small');
      assert.equal(small.status, 200);
      const answer = JSON.parse(gunzipSync(await big).toString()) as { Responses: Record<string, unknown[]> };
      assert.equal(answer.Responses[table]!.length, ITEMS);
      assert.deepEqual(order, ['small', 'big']);
    } finally {
      hook.disable();
    }
  });
});
