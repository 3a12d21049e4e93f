/**
 * `npm run soak -- --minutes n`: the server as `npm start` runs it (LMDB on
 * disk, durable) under a steady mixed load at a share (default 80 %) of the
 * throughput measured first on this machine, reporting memory, event-loop
 * lag, latency and CPU every minute, and ending with a verdict: memory flat,
 * p99 flat, rate held (see docs/reliability.md). Exits 1 when a verdict fails.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../bench/lib/client.js';
import { drive, type Request } from '../bench/lib/load.js';
import { cpuSeconds, memory } from '../bench/lib/proc.js';
import { percentile, seededRandom } from '../bench/lib/stats.js';
import { createAndLoad } from '../bench/operations.js';
import { KV_TABLE, PER_PARTITION, collectionTable, kvTable, workloads, type Workload } from '../bench/workloads.js';
import { startChild, type ChildServer } from '../test/helpers/child-server.js';
import { runHeader, runStart } from './run-header.js';
import { PacedLoad } from './soak/paced-load.js';
import type { ProbeLine } from './soak/probe.js';
import { trend, type Point, type Trend } from './soak/verdict.js';

const FLAGS = {
  minutes: { type: 'string' },
  percent: { type: 'string' },
  'ramp-seconds': { type: 'string' },
  'verify-seconds': { type: 'string' },
  'sample-seconds': { type: 'string' },
  'kv-items': { type: 'string' },
  partitions: { type: 'string' },
  'rss-limit-percent': { type: 'string' },
  'p99-limit-percent': { type: 'string' },
  'data-dir': { type: 'string' },
  'server-args': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const USAGE = `Usage: npm run soak -- [options]   (or node dist/reliability/soak.js [options])
  --minutes n              how long to hold the load, after the ramp (default 30)
  --percent n              the load as a share of the measured maximum (default 80)
  --ramp-seconds n         per step of the ramp, 1 to 256 connections (default 5)
  --verify-seconds n       per step of the open-loop check of the ramp's best (default 20)
  --sample-seconds n       how often memory, lag, latency and CPU are sampled (default 10; a line per minute)
  --kv-items n, --partitions n   sizes of bench's tables, loaded first (default 50000, 100 of 100 items)
  --rss-limit-percent n    memory is flat if RSS rises less than this over the second half (default 5)
  --p99-limit-percent n    p99 is flat if it rises less than this over the second half (default 25)
  --data-dir dir           the server's data directory (default: a fresh one under ${tmpdir()})
  --server-args "..."      more flags for the server, split on spaces
`;

/** The request mix, by bench workload name: mostly single-item reads and writes, some queries, batches and transactions. */
const MIX: Readonly<Record<string, number>> = {
  GetItem: 30,
  PutItem: 15,
  UpdateItem: 15,
  Query: 10,
  QueryIndex: 10,
  BatchGetItem: 3,
  BatchWriteItem: 3,
  TransactWriteItems: 4,
  Scan: 1,
};

/** Connections per ramp step: a durable server gains from concurrency (larger group commits) well past the cores it has. */
const RAMP = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const MAX_OUTSTANDING = 512;

interface Options {
  readonly minutes: number;
  readonly percent: number;
  readonly rampSeconds: number;
  readonly verifySeconds: number;
  readonly sampleSeconds: number;
  readonly kvItems: number;
  readonly partitions: number;
  readonly rssLimitPercent: number;
  readonly p99LimitPercent: number;
  readonly dataDir: string | undefined;
  readonly serverArgs: readonly string[];
}

function parse(argv: readonly string[]): Options {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true });
  const number = (name: keyof typeof FLAGS, fallback: number, min: number) => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (typeof text !== 'string' || !Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}, got '${String(text)}'`);
    return value;
  };
  return {
    minutes: number('minutes', 30, 0.5),
    percent: number('percent', 80, 1),
    rampSeconds: number('ramp-seconds', 5, 1),
    verifySeconds: number('verify-seconds', 20, 1),
    sampleSeconds: number('sample-seconds', 10, 1),
    kvItems: Math.round(number('kv-items', 50_000, 100)),
    partitions: Math.round(number('partitions', 100, 10)),
    rssLimitPercent: number('rss-limit-percent', 5, 0),
    p99LimitPercent: number('p99-limit-percent', 25, 0),
    dataDir: values['data-dir'],
    serverArgs: (values['server-args'] ?? '').split(' ').filter(Boolean),
  };
}

interface Sample {
  /** Seconds into the hold at the end of the sample. */
  readonly t: number;
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly latencies: number[];
  readonly behind: number;
  readonly rssMiB: number;
  readonly anonMiB: number;
  readonly serverCpuSeconds: number;
  readonly loadCpuSeconds: number;
  readonly probes: ProbeLine[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** A weighted draw over bench's workloads, each checked once against the server first. */
async function mixedLoad(client: Client, options: Options): Promise<() => Request> {
  const chosen = workloads({ kvItems: options.kvItems, partitions: options.partitions }).filter((w) => MIX[w.name] !== undefined);
  for (const workload of chosen) {
    const { operation, payload } = workload.next(seededRandom(1));
    const problem = workload.check(await client.call(operation, payload));
    if (problem !== undefined) throw new Error(`${workload.name}: ${problem}`);
  }
  const random = seededRandom(0x50a6);
  const weighted: Workload[] = chosen.flatMap((workload) => Array.from({ length: MIX[workload.name]! }, () => workload));
  return () => weighted[random(weighted.length)]!.next(random);
}

/** New lines of the probe's file since the last call. */
function probeReader(file: string): () => ProbeLine[] {
  let seen = 0;
  return () => {
    let lines: string[];
    try {
      lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
    const fresh = lines.slice(seen).map((line) => JSON.parse(line) as ProbeLine);
    seen = lines.length;
    return fresh;
  };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** One row of the per-minute table from the samples of that minute. */
function row(minute: number, samples: readonly Sample[]): string {
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const requests = samples.reduce((sum, s) => sum + s.requests, 0);
  const errors = samples.reduce((sum, s) => sum + s.errors, 0);
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const last = samples[samples.length - 1]!;
  const probes = samples.flatMap((s) => s.probes);
  const heap = probes.length > 0 ? probes[probes.length - 1]!.heapUsedMiB : Number.NaN;
  const lagP99 = Math.max(...probes.map((p) => p.lagP99Ms));
  const lagMax = Math.max(...probes.map((p) => p.lagMaxMs));
  const serverCpu = samples.reduce((sum, s) => sum + s.serverCpuSeconds, 0);
  const loadCpu = samples.reduce((sum, s) => sum + s.loadCpuSeconds, 0);
  return (
    `| ${minute} | ${fixed(requests / seconds, 0)} | ${fixed(percentile(latencies, 0.5), 2)} | ${fixed(percentile(latencies, 0.99), 2)} | ${errors} | ` +
    `${fixed(last.rssMiB, 1)} (${fixed(last.anonMiB, 1)}) | ${fixed(heap, 1)} | ${fixed(lagP99, 1)} / ${fixed(lagMax, 1)} | ` +
    `${fixed((serverCpu / Math.max(1, requests + errors)) * 1e6, 0)} | ${fixed((loadCpu / seconds) * 100, 0)} % |`
  );
}

const TABLE_HEAD = [
  '| minute | req/s | p50 ms | p99 ms | errors | RSS MiB (anonymous) | V8 heap used MiB | event-loop lag p99 / max ms | server CPU µs/req | load generator CPU |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

async function ramp(server: ChildServer, client: Client, next: () => Request, options: Options): Promise<{ best: number; connections: number }> {
  let best = 0;
  let connections = 1;
  for (const step of RAMP) {
    const cpuBefore = cpuSeconds(server.process.pid!);
    const window = await drive(client, next, step, options.rampSeconds);
    const cpuPerRequest = ((cpuSeconds(server.process.pid!) - cpuBefore) / Math.max(1, window.requests + window.errors)) * 1e6;
    log(`ramp ${String(step).padStart(2)} connections: ${window.requestsPerSecond.toFixed(0)} req/s, p99 ${window.p99Ms.toFixed(2)} ms, server CPU ${cpuPerRequest.toFixed(0)} µs/req, errors ${window.errors}`);
    for (const sample of window.errorSamples) log(`  error: ${sample}`);
    if (window.requestsPerSecond > best) {
      best = window.requestsPerSecond;
      connections = step;
    }
  }
  return { best, connections };
}

/**
 * An open-loop rate the server keeps up with: answered at 97 % of it or better, with a median latency
 * under KEEPS_UP_P50_MS (a queue building up shows there first).
 */
const KEEPS_UP_P50_MS = 10;
const VERIFY_STEP = 0.9;

/**
 * The maximum as an open-loop rate the server sustains. The ramp's best is a closed-loop burst at its
 * best concurrency; open-loop, with hundreds of requests waiting at once, the server spends more CPU
 * per request (the first 30-minute run held 80 % of the burst at 240–280 µs per request against 208 in
 * the burst, saturated, its p50 near 100 ms). So the best is tried open-loop and lowered by a tenth
 * until the server keeps up. A third run (2026-12-07 12:38) found 5,369 req/s "kept up" with a p50 of
 * 19.7 ms (a queue already) and held 80 % of it: once other work on the machine took a core for two
 * minutes, the queue that built up never drained (p50 5 → 110 ms, 1.06 cores busy at the held rate).
 * Hence the 10 ms median: 80 % of a rate answered without a queue leaves the server room to catch up.
 */
async function sustainedMaximum(client: Client, next: () => Request, best: number, options: Options): Promise<number> {
  for (let rate = best; ; rate *= VERIFY_STEP) {
    const paced = new PacedLoad(client, next, rate, MAX_OUTSTANDING);
    paced.start();
    await sleep(options.verifySeconds * 1000);
    const taken = paced.sample();
    await paced.stop();
    const answered = (taken.requests + taken.errors) / options.verifySeconds;
    const p50 = percentile([...taken.latencies].sort((a, b) => a - b), 0.5);
    const keepsUp = answered >= rate * 0.97 && p50 < KEEPS_UP_P50_MS;
    log(`open-loop ${rate.toFixed(0)} req/s: ${answered.toFixed(0)} answered per second, p50 ${p50.toFixed(2)} ms: ${keepsUp ? 'keeps up' : 'falls behind'}`);
    if (keepsUp || rate < 1) return rate;
  }
}

function describeTrend(what: string, t: Trend, unit: string, limit: number): string {
  return (
    `${what} ${t.flat ? 'flat' : 'NOT flat'}: ${t.rise >= 0 ? '+' : ''}${t.rise.toFixed(2)} ${unit} fitted over the second half ` +
    `(${t.percent.toFixed(1)} % of its median ${t.level.toFixed(2)} ${unit}; limit ${limit} %)`
  );
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) return void process.stdout.write(USAGE);
  let options: Options;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`soak: ${(error as Error).message.split('\n')[0]} (see --help)\n`);
    process.exit(2);
  }
  const started = runStart();
  const scratch = mkdtempSync(join(tmpdir(), 'dynalith-soak-'));
  const probeFile = join(scratch, 'probe.jsonl');
  const probeModule = new URL('./soak/probe.js', import.meta.url).href;
  const server = await startChild(
    ['--port', '0', '--data-dir', options.dataDir ?? join(scratch, 'data'), ...options.serverArgs],
    { SOAK_PROBE_FILE: probeFile, SOAK_PROBE_INTERVAL_MS: String(options.sampleSeconds * 1000) },
    ['--import', probeModule],
  );
  const stopServer = () => server.process.kill('SIGKILL');
  process.once('SIGINT', () => (stopServer(), process.exit(130)));
  const pid = server.process.pid!;
  const client = new Client(server.endpoint, RAMP[RAMP.length - 1]!);
  const holdSeconds = options.minutes * 60;
  let verdictOk = false;
  let block = '';
  try {
    log(`soak: server ${server.endpoint}, loading ${options.kvItems} + ${options.partitions * PER_PARTITION} items`);
    await createAndLoad(client, kvTable(KV_TABLE, options.kvItems), 32);
    await createAndLoad(client, collectionTable(options.partitions), 32);
    const next = await mixedLoad(client, options);
    const { best, connections } = await ramp(server, client, next, options);
    const maximum = await sustainedMaximum(client, next, best, options);
    const target = (maximum * options.percent) / 100;
    log(`holding ${target.toFixed(0)} req/s (${options.percent} % of ${maximum.toFixed(0)} open-loop) for ${options.minutes} min`);
    const readProbe = probeReader(probeFile);
    readProbe();
    const paced = new PacedLoad(client, next, target, MAX_OUTSTANDING);
    const samples: Sample[] = [];
    const rows: string[] = [];
    let minuteStart = 0;
    let serverCpu = cpuSeconds(pid);
    let loadCpu = ownCpuSeconds();
    const holdStarted = performance.now();
    let last = holdStarted;
    paced.start();
    log(TABLE_HEAD.join('\n'));
    while ((last - holdStarted) / 1000 < holdSeconds - 1e-3) {
      // On a fixed schedule from the start: a sleep that overshoots does not push the later samples back.
      const until = Math.min(holdSeconds, (samples.length + 1) * options.sampleSeconds);
      await sleep(holdStarted + until * 1000 - performance.now());
      const now = performance.now();
      const taken = paced.sample();
      const mem = memory(pid);
      const [cpuNow, ownNow] = [cpuSeconds(pid), ownCpuSeconds()];
      samples.push({
        t: (now - holdStarted) / 1000,
        seconds: (now - last) / 1000,
        ...taken,
        rssMiB: mem.rssMiB,
        anonMiB: mem.anonMiB,
        serverCpuSeconds: cpuNow - serverCpu,
        loadCpuSeconds: ownNow - loadCpu,
        probes: readProbe(),
      });
      for (const sample of taken.errorSamples) log(`  error: ${sample}`);
      [serverCpu, loadCpu, last] = [cpuNow, ownNow, now];
      const elapsed = (now - holdStarted) / 1000;
      if (elapsed >= (rows.length + 1) * 60 - 1e-3 || elapsed >= holdSeconds - 1e-3) {
        const minute = samples.filter((s) => s.t > minuteStart);
        rows.push(row(rows.length + 1, minute));
        log(rows[rows.length - 1]!);
        minuteStart = elapsed;
      }
    }
    await paced.stop();
    const sampleP99 = (s: Sample) => percentile([...s.latencies].sort((a, b) => a - b), 0.99);
    const rss = trend(samples.map((s): Point => ({ t: s.t, y: s.rssMiB })), holdSeconds, options.rssLimitPercent);
    const heap = trend(samples.flatMap((s) => s.probes.map((p): Point => ({ t: s.t, y: p.heapUsedMiB }))), holdSeconds, Number.POSITIVE_INFINITY);
    const p99 = trend(samples.filter((s) => s.latencies.length > 0).map((s): Point => ({ t: s.t, y: sampleP99(s) })), holdSeconds, options.p99LimitPercent);
    // Not part of the verdict, but what a busy machine leaves alone: the server's own cost per request.
    const cpu = trend(samples.map((s): Point => ({ t: s.t, y: (s.serverCpuSeconds / Math.max(1, s.requests + s.errors)) * 1e6 })), holdSeconds, Number.POSITIVE_INFINITY);
    const answered = samples.reduce((sum, s) => sum + s.requests + s.errors, 0);
    const errors = samples.reduce((sum, s) => sum + s.errors, 0);
    const achieved = answered / samples.reduce((sum, s) => sum + s.seconds, 0);
    const held = achieved >= target * 0.95 && errors === 0;
    verdictOk = rss.flat && p99.flat && held;
    block = [
      runHeader('Soak', `npm run soak -- ${argv.join(' ')}`.trim(), started),
      `- Server: \`node bin/dynalith.js\` (LMDB on disk, durable), ${options.kvItems.toLocaleString('en-US')} + ${(options.partitions * PER_PARTITION).toLocaleString('en-US')} items loaded first; ` +
        `heap and event-loop lag measured inside it (node --import reliability/soak/probe.js), RSS and CPU from /proc`,
      `- Load: ${Object.entries(MIX).map(([name, weight]) => `${name} ${weight}`).join(', ')} (weights); ramp 1–256 connections, best ${best.toFixed(0)} req/s at ${connections}; ` +
        `the most it kept up with open-loop ${maximum.toFixed(0)} req/s; held ${options.percent} % = ${target.toFixed(0)} req/s open-loop for ${options.minutes} min`,
      '',
      ...TABLE_HEAD,
      ...rows,
      '',
      `Verdict: ${verdictOk ? 'PASS' : 'FAIL'}`,
      `- ${describeTrend('memory', rss, 'MiB RSS', options.rssLimitPercent)}; V8 heap used ${heap.rise >= 0 ? '+' : ''}${heap.rise.toFixed(2)} MiB (median ${heap.level.toFixed(1)} MiB)`,
      `- ${describeTrend('p99', p99, 'ms', options.p99LimitPercent)}`,
      `- rate ${held ? 'held' : 'NOT held'}: ${achieved.toFixed(0)} of ${target.toFixed(0)} req/s answered, ${errors} errors`,
      `- (server CPU per request ${cpu.rise >= 0 ? '+' : ''}${cpu.rise.toFixed(0)} µs fitted over the second half, median ${cpu.level.toFixed(0)} µs)`,
    ].join('\n');
  } finally {
    await client.close();
    server.process.kill('SIGTERM');
    await server.exited();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`\n${block}\n`);
  if (!verdictOk) process.exitCode = 1;
}

await main(process.argv.slice(2));
