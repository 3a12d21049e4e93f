/**
 * `node dist/bench/process-pair.js [--rounds n] [--seconds n]`: what two busy
 * server processes cost on this machine with no coordination between them,
 * as the baseline for `--workers 2`'s overhead. The same 32 connections of
 * GetItem or PutItem load go to one process (`dynalith-disk`), to
 * `--workers 2`, and to two independent processes with data directories of
 * their own (16 connections each, so nothing is shared but the machine);
 * server CPU per request is read over every process of each. Rounds are
 * interleaved; the median of each is reported with every round's figure.
 */
import { parseArgs } from 'node:util';
import { Client } from './lib/client.js';
import { createKeyTable } from './lib/key-table.js';
import { treeCpuSeconds } from './lib/proc.js';
import { median } from './lib/stats.js';
import { start, TARGETS, type Running, type TargetName } from './targets.js';

const CONNECTIONS = 32;
const ITEMS = 5000;
const TABLE = 'pair_bench';

type Arrangement = 'one process' | '--workers 2' | 'two independent processes';
const ARRANGEMENTS: readonly { name: Arrangement; targets: readonly TargetName[] }[] = [
  { name: 'one process', targets: ['dynalith-disk'] },
  { name: '--workers 2', targets: ['dynalith-workers'] },
  { name: 'two independent processes', targets: ['dynalith-disk', 'dynalith-disk'] },
];
const WORKLOADS = ['GetItem', 'PutItem'] as const;

interface Setup {
  readonly name: Arrangement;
  readonly servers: Running[];
  readonly clients: Client[];
}

const item = (i: number) => ({ pk: { S: `k${i % ITEMS}` }, v: { N: String(i) }, pad: { S: 'x'.repeat(100) } });

function request(workload: (typeof WORKLOADS)[number], i: number): string {
  return JSON.stringify(workload === 'GetItem' ? { TableName: TABLE, Key: { pk: { S: `k${i % ITEMS}` } } } : { TableName: TABLE, Item: item(i) });
}

/** Every connection sends one request after another for `seconds`; returns the answered count. */
async function drive(setup: Setup, workload: (typeof WORKLOADS)[number], seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      const client = setup.clients[connection % setup.clients.length]!;
      while (performance.now() < until) {
        const reply = await client.send(workload, request(workload, sent++));
        if (reply.status !== 200) throw new Error(`${workload} answered ${reply.status}: ${reply.body}`);
      }
    }),
  );
  return sent;
}

async function prepare(name: Arrangement, targets: readonly TargetName[], basePort: number): Promise<Setup> {
  const servers: Running[] = [];
  for (const [k, target] of targets.entries()) servers.push(await start(TARGETS.find((t) => t.name === target)!, basePort + k));
  const clients = servers.map((server) => new Client(server.endpoint, CONNECTIONS / servers.length));
  for (const client of clients) await createKeyTable(client, TABLE, ITEMS, item);
  return { name, servers, clients };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' } } });
  const rounds = Number(values.rounds ?? 3);
  const seconds = Number(values.seconds ?? 3);
  const setups: Setup[] = [];
  try {
    for (const [k, { name, targets }] of ARRANGEMENTS.entries()) setups.push(await prepare(name, targets, 8261 + 2 * k));
    const cpu = new Map<string, number[]>();
    for (const workload of WORKLOADS) {
      for (let round = 0; round < rounds; round++) {
        for (const setup of setups) {
          await drive(setup, workload, 1);
          const before = setup.servers.reduce((sum, server) => sum + treeCpuSeconds(server.pid), 0);
          const answered = await drive(setup, workload, seconds);
          const spent = setup.servers.reduce((sum, server) => sum + treeCpuSeconds(server.pid), 0) - before;
          const key = `${workload}/${setup.name}`;
          cpu.set(key, [...(cpu.get(key) ?? []), (spent / answered) * 1e6]);
          console.error(`${workload} ${setup.name}: ${((spent / answered) * 1e6).toFixed(0)} µs/req, ${(answered / seconds).toFixed(0)} req/s`);
        }
      }
    }
    console.log(`| workload | arrangement | server CPU µs/req, median (rounds) | × one process |`);
    console.log(`|---|---|--:|--:|`);
    for (const workload of WORKLOADS) {
      const single = median(cpu.get(`${workload}/one process`)!);
      for (const { name } of ARRANGEMENTS) {
        const rounds = cpu.get(`${workload}/${name}`)!;
        console.log(`| ${workload} | ${name} | ${median(rounds).toFixed(0)} (${rounds.map((v) => v.toFixed(0)).join(', ')}) | ${(median(rounds) / single).toFixed(2)}× |`);
      }
    }
  } finally {
    for (const setup of setups) {
      for (const client of setup.clients) await client.close();
      for (const server of setup.servers) await server.stop();
    }
  }
}

await main();
