/**
 * `node dist/bench/side-by-side.js --targets a,b [--rate n] [--rounds n] [--seconds n] [--encrypt-second] [--operation get|put|scan]`:
 * two servers measured at the same time under the same paced load of one
 * operation (GetItem, PutItem, or a Scan of 10 items from a random start)
 * (`rate` requests a second each, below saturation), so a slow phase of the
 * machine, which moves one server's CPU per request by ±20 % from one window
 * to the next, falls on both alike. Each round reports both servers' CPU per
 * request and their ratio; the median ratio is the comparison. An A/A run
 * (the same target twice) shows what the arrangement itself favours.
 * `--encrypt-second` gives the second server a key file and its table SSE
 * (encryption at rest) under it: the cost of encryption.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from './lib/client.js';
import { createKeyTable } from './lib/key-table.js';
import { treeCpuSeconds } from './lib/proc.js';
import { median } from './lib/stats.js';
import { forSeconds, pace } from './lib/paced.js';
import type { Request } from './lib/load.js';
import { start, TARGETS, type Running, type TargetName } from './targets.js';

const TABLE = 'side_bench';
const ITEMS = 5000;
const CONNECTIONS = 8;

interface Side {
  readonly name: TargetName;
  readonly server: Running;
  readonly client: Client;
}

async function prepare(name: TargetName, port: number, encrypted: boolean): Promise<Side> {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`unknown target ${name}`);
  // An encrypted side: a key file standing in for KMS, and the table under the AWS managed key's alias.
  const server = await start(target, port, [], (dir) => {
    if (!encrypted) return [];
    const file = join(dir, 'kms-keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ id: 'bench', aliases: ['alias/aws/dynamodb'], material: randomBytes(32).toString('base64'), enabled: true }] }));
    return ['--kms-key-file', file];
  });
  const client = new Client(server.endpoint, CONNECTIONS);
  const sse = encrypted ? { SSESpecification: { Enabled: true, SSEType: 'KMS' } } : {};
  await createKeyTable(client, TABLE, ITEMS, item, sse);
  return { name, server, client };
}

type Operation = 'get' | 'put' | 'scan';

const REQUESTS: Record<Operation, (i: number) => Request> = {
  get: (i) => ({ operation: 'GetItem', payload: JSON.stringify({ TableName: TABLE, Key: { pk: { S: `k${i % ITEMS}` } } }) }),
  put: (i) => ({ operation: 'PutItem', payload: JSON.stringify({ TableName: TABLE, Item: item(i % ITEMS) }) }),
  scan: (i) => ({ operation: 'Scan', payload: JSON.stringify({ TableName: TABLE, Limit: 10, ExclusiveStartKey: { pk: { S: `k${(i * 7919) % ITEMS}` } } }) }),
};

function item(i: number): object {
  return { pk: { S: `k${i}` }, pad: { S: 'x'.repeat(100) } };
}

/** `rate` requests a second for `seconds`; the count answered. */
async function paceOperation(side: Side, operation: Operation, rate: number, seconds: number): Promise<number> {
  const { sent } = await pace(side.client, rate, forSeconds(seconds), REQUESTS[operation]);
  return sent;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { targets: { type: 'string' }, rate: { type: 'string' }, rounds: { type: 'string' }, seconds: { type: 'string' }, 'encrypt-second': { type: 'boolean' }, operation: { type: 'string' } } });
  const operation = (values.operation ?? 'get') as Operation;
  if (!(operation in REQUESTS)) throw new Error('--operation is get, put or scan');
  const names = (values.targets ?? 'dynalith-uncounted,dynalith-capacity').split(',') as TargetName[];
  if (names.length !== 2) throw new Error('--targets names two targets');
  const rate = Number(values.rate ?? 2500);
  const rounds = Number(values.rounds ?? 8);
  const seconds = Number(values.seconds ?? 4);
  const sides: Side[] = [];
  try {
    for (const [k, name] of names.entries()) sides.push(await prepare(name, 8271 + k, k === 1 && values['encrypt-second'] === true));
    await Promise.all(sides.map((side) => paceOperation(side, operation, rate, 1)));
    const ratios: number[] = [];
    console.log(`| round | ${names[0]} CPU µs/req | ${names[1]} CPU µs/req | ratio |`);
    console.log('|--:|--:|--:|--:|');
    for (let round = 1; round <= rounds; round++) {
      const before = sides.map((side) => treeCpuSeconds(side.server.pid));
      const answered = await Promise.all(sides.map((side) => paceOperation(side, operation, rate, seconds)));
      const perRequest = sides.map((side, k) => ((treeCpuSeconds(side.server.pid) - before[k]!) / answered[k]!) * 1e6);
      ratios.push(perRequest[1]! / perRequest[0]!);
      console.log(`| ${round} | ${perRequest[0]!.toFixed(1)} | ${perRequest[1]!.toFixed(1)} | ${ratios[ratios.length - 1]!.toFixed(3)} |`);
    }
    console.log(`\nmedian ratio ${names[1]} / ${names[0]}: ${median(ratios).toFixed(3)} (${rate} ${REQUESTS[operation](0).operation}/s each, ${rounds} rounds of ${seconds} s)`);
  } finally {
    for (const side of sides) {
      await side.client.close();
      await side.server.stop();
    }
  }
}

await main();
