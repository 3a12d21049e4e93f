/**
 * `npm run bench -- --set replication [--rates 0,500,1000,2000] [--seconds n] [--alone]`
 * (or `node dist/bench/replication-lag.js ...`): two LMDB servers, each
 * naming the other with --peer (us-east-1 and us-west-2), and a global table
 * with a replica on each. For each rate, a paced PutItem load on the first
 * server runs for `seconds` while a prober writes a marker item there every
 * 100 ms and polls the second server with GetItem until it shows: the time
 * from the marker's PutItem answer to its first sighting is the replication
 * lag a client sees (polling every 2 ms, so within a few ms). Each phase
 * reports the put rate reached (the load generator keeps the pace or the
 * row says it did not), lag percentiles, and both servers' CPU per put.
 * `--alone` makes no replica (and no markers): the same load's CPU per put
 * without replication, to set beside it.
 */
import { parseArgs } from 'node:util';
import { Client } from './lib/client.js';
import { forSeconds, pace } from './lib/paced.js';
import { treeCpuSeconds } from './lib/proc.js';
import { percentile } from './lib/stats.js';
import { start, TARGETS, type Running } from './targets.js';

const TABLE = 'replication_bench';

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes a marker every 100 ms on `from` until `done`, and measures when `to` first shows each. */
async function probe(from: Client, to: Client, done: () => boolean): Promise<number[]> {
  const lags: number[] = [];
  for (let i = 0; !done(); i++) {
    const key = JSON.stringify({ pk: { S: `probe-${Date.now()}-${i}` } });
    await from.call('PutItem', `{"TableName":"${TABLE}","Item":${key}}`);
    const written = performance.now();
    for (;;) {
      const reply = await to.send('GetItem', `{"TableName":"${TABLE}","Key":${key}}`, true);
      if (reply.status === 200 && reply.body !== '{}') break;
      if (performance.now() - written > 60_000) throw new Error('a marker did not arrive within a minute');
      await sleep(2);
    }
    lags.push(performance.now() - written);
    await sleep(100);
  }
  return lags;
}

export async function runReplicationBench(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { rates: { type: 'string' }, seconds: { type: 'string' }, alone: { type: 'boolean' } } });
  const alone = values.alone === true;
  const rates = (values.rates ?? '0,500,1000,2000').split(',').map(Number);
  const seconds = Number(values.seconds ?? 15);
  const target = TARGETS.find((t) => t.name === 'dynalith-disk')!;
  const [eastPort, westPort] = [8291, 8292];
  const servers: Running[] = [];
  try {
    servers.push(await start(target, eastPort, [], () => ['--peer', `us-west-2=http://127.0.0.1:${westPort}`, '--log-level', 'warn']));
    servers.push(await start(target, westPort, [], () => ['--peer', `us-east-1=http://127.0.0.1:${eastPort}`, '--log-level', 'warn']));
    const [east, west] = servers as [Running, Running];
    const load = new Client(east.endpoint, 16);
    const eastProbe = new Client(east.endpoint, 1);
    const westProbe = new Client(west.endpoint, 1, 'us-west-2');
    await load.call('CreateTable', {
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    if (!alone) await load.call('UpdateTable', { TableName: TABLE, ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] });
    while (!alone) {
      const { Table } = (await load.call('DescribeTable', { TableName: TABLE })) as { Table: { Replicas?: { ReplicaStatus: string }[] } };
      if (Table.Replicas?.[0]?.ReplicaStatus === 'ACTIVE') break;
      await sleep(100);
    }
    console.log('| PutItem/s asked | reached | markers | lag p50 ms | p99 ms | max ms | east CPU µs/put | west CPU µs/put |');
    console.log('|--:|--:|--:|--:|--:|--:|--:|--:|');
    let next = 0;
    for (const rate of rates) {
      const cpu = servers.map((server) => treeCpuSeconds(server.pid));
      const done = forSeconds(seconds);
      const started = performance.now();
      const [sent, lags] = await Promise.all([
        rate === 0 ? sleep(seconds * 1000).then(() => 0) : pace(load, rate, done, () => ({ operation: 'PutItem', payload: `{"TableName":"${TABLE}","Item":{"pk":{"S":"k${next++}"},"pad":{"S":"${'x'.repeat(100)}"}}}` })).then((paced) => paced.sent),
        alone ? Promise.resolve([0]) : probe(eastProbe, westProbe, forSeconds(seconds)),
      ]);
      const elapsed = (performance.now() - started) / 1000;
      const [eastCpu, westCpu] = servers.map((server, k) => treeCpuSeconds(server.pid) - cpu[k]!);
      lags.sort((a, b) => a - b);
      const perPut = (cpuSeconds: number) => (sent === 0 ? '–' : ((cpuSeconds / sent) * 1e6).toFixed(0));
      console.log(
        `| ${rate} | ${(sent / elapsed).toFixed(0)} | ${lags.length} | ${percentile(lags, 0.5).toFixed(1)} | ${percentile(lags, 0.99).toFixed(1)} | ${lags.at(-1)!.toFixed(1)} | ${perPut(eastCpu!)} | ${perPut(westCpu!)} |`,
      );
    }
    await Promise.all([load.close(), eastProbe.close(), westProbe.close()]);
  } finally {
    for (const server of servers) await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runReplicationBench(process.argv.slice(2));
