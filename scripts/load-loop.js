#!/usr/bin/env node
// A simple load loop (the full benchmark harness is `npm run bench`, later):
// 32 keep-alive connections send PutItem, then GetItem, for a few seconds each
// against a running server. Usage: node scripts/load-loop.js http://127.0.0.1:8000 [seconds]
import { Agent } from 'node:http';
import { dynamoRequest } from './dynamo-request.js';

const endpoint = new URL(process.argv[2] ?? 'http://127.0.0.1:8000');
const seconds = Number(process.argv[3] ?? 5);
const CONNECTIONS = 32;
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
const table = `load_${Date.now()}`;

const call = (operation, body) => dynamoRequest(agent, endpoint, operation, body);

const KEYS = 10000;
const item = (i) => ({ pk: { S: `user-${i}` }, name: { S: 'John Doe' }, email: { S: 'john@example.com' }, age: { N: String(i % 90) }, tags: { SS: ['a', 'b'] }, bio: { S: 'x'.repeat(100) } });

async function measure(name, makeRequest) {
  let done = 0;
  let errors = 0;
  const latencies = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      for (let i = c; performance.now() < end; i += CONNECTIONS) {
        const started = performance.now();
        try {
          await makeRequest(i);
          done++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.floor(latencies.length * q)].toFixed(2);
  console.log(`${name}: ${(done / seconds).toFixed(0)} requests/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, errors ${errors}`);
}

await call('CreateTable', {
  TableName: table,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
});
await measure('PutItem', (i) => call('PutItem', { TableName: table, Item: item(i % KEYS) }));
await measure('GetItem', (i) => call('GetItem', { TableName: table, Key: { pk: { S: `user-${(i * 7919) % KEYS}` } } }));
agent.destroy();
