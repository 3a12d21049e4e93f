#!/usr/bin/env node
// Measures what a big TTL sweep does to foreground reads: 100,000 items that
// expire at the same second, swept while one client runs GetItem in a loop on
// other items. Prints GetItem p50/p99 before and during the sweep and the sweep's
// duration. Starts its own server (build first: npx tsc -p tsconfig.json).
// Usage: node scripts/ttl-sweep-latency.js [--in-memory] [--stream] [--items N] [--port P]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from 'node:http';
import { dynamoRequest } from './dynamo-request.js';

const { values: args } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    stream: { type: 'boolean', default: false },
    items: { type: 'string', default: '100000' },
    port: { type: 'string', default: '8173' },
  },
});
const EXPIRING = Number(args.items);
const KEPT = 1000;
const LOADERS = 16;
const port = Number(args.port);
const dataDir = args['in-memory'] ? undefined : mkdtempSync(join(tmpdir(), 'dynalith-ttl-sweep-'));
const agent = new Agent({ keepAlive: true, maxSockets: LOADERS + 2 });
const endpoint = new URL(`http://127.0.0.1:${port}/`);
const TableName = `ttl_sweep_${Date.now()}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const call = (operation, body) => dynamoRequest(agent, endpoint, operation, body);

async function startServer() {
  const flags = ['bin/dynalith.js', '--port', String(port), '--log-level', 'warn', '--ttl-interval-ms', '1000'];
  flags.push(...(dataDir === undefined ? ['--in-memory'] : ['--data-dir', dataDir]));
  const child = spawn(process.execPath, flags, { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let tries = 0; tries < 100; tries++) {
    try {
      await call('ListTables', {});
      return child;
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error('the server did not start');
}

async function batchPut(items) {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  while (requests.length > 0) {
    const { UnprocessedItems } = await call('BatchWriteItem', { RequestItems: { [TableName]: requests } });
    requests = UnprocessedItems?.[TableName] ?? [];
  }
}

async function load(count, itemOf) {
  let next = 0;
  await Promise.all(
    Array.from({ length: LOADERS }, async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + 25);
        const batch = [];
        for (let i = from; i < next; i++) batch.push(itemOf(i));
        await batchPut(batch);
      }
    }),
  );
}

const itemCount = async () => (await call('DescribeTable', { TableName })).Table.ItemCount;

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

const show = ({ n, p50, p99, max }) => `${n} GetItems, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms`;

const server = await startServer();
try {
  await call('CreateTable', {
    TableName,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(args.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
  });
  await call('UpdateTimeToLive', { TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } });
  const payload = 'x'.repeat(100);
  const loadStarted = performance.now();
  await load(KEPT, (i) => ({ pk: { S: `kept-${i}` }, payload: { S: payload } }));
  // One expiry second far enough ahead that the load finishes before it; measured load rate decides it.
  const probe = performance.now();
  await load(2000, (i) => ({ pk: { S: `probe-${i}` }, payload: { S: payload } }));
  const perItemMs = (performance.now() - probe) / 2000;
  const expiresAt = Math.ceil((Date.now() + perItemMs * EXPIRING * 1.5 + 5000) / 1000);
  await load(EXPIRING, (i) => ({ pk: { S: `expiring-${i}` }, payload: { S: payload }, expiresAt: { N: String(expiresAt) } }));
  console.log(`loaded ${EXPIRING} items expiring at ${expiresAt} (+${KEPT + 2000} kept) in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; ${dataDir === undefined ? 'memory' : 'LMDB'}${args.stream ? ', stream NEW_AND_OLD_IMAGES' : ''}`);
  if (Date.now() >= expiresAt * 1000) throw new Error('the load took longer than planned; items expired during it');

  const before = [];
  const during = [];
  let phase = before;
  let finished = false;
  const reader = (async () => {
    for (let i = 0; !finished; i++) {
      const started = performance.now();
      const { Item } = await call('GetItem', { TableName, Key: { pk: { S: `kept-${(i * 7919) % KEPT}` } } });
      const elapsed = performance.now() - started;
      if (Item === undefined) throw new Error('a kept item is missing');
      phase.push(elapsed);
    }
  })();
  const total = KEPT + 2000 + EXPIRING;
  while ((await itemCount()) === total) await sleep(20);
  const sweepStarted = performance.now();
  const sweepStartedAt = Date.now();
  phase = during;
  while ((await itemCount()) > KEPT + 2000) await sleep(20);
  const sweepMs = performance.now() - sweepStarted;
  finished = true;
  await reader;
  console.log(`before the sweep: ${show(percentiles(before))}`);
  console.log(`during the sweep: ${show(percentiles(during))}`);
  console.log(`sweep: ${EXPIRING} items in ${(sweepMs / 1000).toFixed(2)} s (${(EXPIRING / (sweepMs / 1000)).toFixed(0)} deletions/s), first deletion seen ${(sweepStartedAt / 1000 - expiresAt).toFixed(2)} s after the expiry second began`);
} finally {
  agent.destroy();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}
