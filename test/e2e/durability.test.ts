import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startChild } from '../helpers/child-server.js';
import { clientFor, externalEndpoint } from '../helpers/harness.js';

const WRITERS = 32;
/** Writes acknowledged before the kill: a count, not a time, so a busy machine changes nothing. */
const KILL_AFTER = 1500;

test('every acknowledged write survives kill -9', { skip: externalEndpoint !== undefined, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-durability-'));
  const args = ['--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'silent'];
  const first = await startChild(args);
  const client = clientFor(first.endpoint);
  await client.send(
    new CreateTableCommand({
      TableName: 'durable',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const acknowledged: string[] = [];
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const id = `w${w}-${i}`;
      try {
        await client.send(new PutItemCommand({ TableName: 'durable', Item: { id: { S: id }, payload: { S: id.repeat(20) }, n: { N: String(i) } } }));
        if (!killed) acknowledged.push(id);
      } catch {
        return;
      }
      if (acknowledged.length >= KILL_AFTER && !killed) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  await first.exited();
  client.destroy();
  assert.ok(acknowledged.length >= KILL_AFTER, `only ${acknowledged.length} writes acknowledged`);

  const second = await startChild(args);
  const reader = clientFor(second.endpoint);
  for (const id of acknowledged) {
    const { Item } = await reader.send(new GetItemCommand({ TableName: 'durable', Key: { id: { S: id } }, ConsistentRead: true }));
    assert.ok(Item, `acknowledged item ${id} is missing after kill -9`);
    assert.equal(Item.payload?.S, id.repeat(20));
    assert.equal(Item.n?.N, id.split('-')[1]);
  }
  reader.destroy();
  second.process.kill('SIGTERM');
  assert.equal(await second.exited(), 0);
  rmSync(dir, { recursive: true, force: true });
});
