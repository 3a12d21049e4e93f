/**
 * One benchmark run: every selected target through the same workloads, each
 * workload measured on every target in turn, with the server's own CPU time
 * and memory read from /proc; then each target's memory at scale and start-up.
 */
import { Client } from './lib/client.js';
import { collect, summarise, type Tally, type Window } from './lib/load.js';
import { machineBusySeconds, memory, treeCpuSeconds, type Memory } from './lib/proc.js';
import { seededRandom } from './lib/stats.js';
import { driveThreads } from './load-threads.js';
import { createAndLoad, createTable, load, type Sizes, type Workload } from './operations.js';
import { findWorkload, workloadSet, type SetName, type WorkloadRef } from './sets.js';
import { start, unavailable, TARGETS, type Running, type Target, type TargetName } from './targets.js';
import { BIG_TABLE, kvItem, kvTable } from './workloads.js';

export interface Options {
  readonly targets: readonly TargetName[];
  /** Which workload set runs (`--set`). */
  readonly set: SetName;
  /** Workload names; empty for all. */
  readonly workloads: readonly string[];
  readonly connections: number;
  /** Load-generating threads the connections are shared among (`--clients`); 1 runs the load in the main thread. */
  readonly clients: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Closed-loop windows per workload and target, interleaved across the targets; the median by CPU per request is kept. */
  readonly rounds: number;
  /** Single-client sequential latency window per workload (0 to skip). */
  readonly sequentialSeconds: number;
  readonly sizes: Sizes;
  /** Item counts the large-table phase loads up to, per target (empty to skip). */
  readonly scaleSteps: (target: TargetName) => readonly number[];
  /** How many times each target is started (each start is a start-up sample). */
  readonly startups: number;
  readonly basePort: number;
  /** Where Node-based targets write CPU profiles (node --cpu-prof), one per process; none when undefined. */
  readonly profileDir?: string;
  readonly log: (line: string) => void;
}

export interface Measured extends Window {
  readonly workload: string;
  readonly connections: number;
  /** Threads the load came from. */
  readonly clients: number;
  readonly serverCpuSeconds: number;
  /** The headline figure: what the server spent per request, whatever else ran on the machine. */
  readonly cpuMicrosPerRequest: number;
  /** Server CPU seconds / wall seconds of the window: 1 is one core kept busy. */
  readonly serverCoreShare: number;
  /**
   * Closed-loop windows (more than one connection) only: false when the server
   * used less than SATURATED_SHARE of a core, i.e. something else, the load
   * generator or the disk, set the pace, and its requests/s are not its best.
   */
  readonly saturated?: boolean;
  /** CPU time of the harness process (all its threads) in the window: what the load cost. */
  readonly harnessCpuSeconds: number;
  readonly harnessCpuMicrosPerRequest: number;
  /** The database's CPU per request (its own processes, apart from the server's), for a target that keeps its data in one. */
  readonly databaseCpuMicrosPerRequest?: number;
  /**
   * The rest of the machine's busy time in the window (other processes, and
   * kernel work charged to neither), in cores: on a shared machine, what else
   * competed for the two cores.
   */
  readonly otherCoreShare: number;
  /** Items each request moved (the batches), and the server's CPU per item. */
  readonly items?: number;
  readonly cpuMicrosPerItem?: number;
  /** With several rounds: every window's server CPU per request, in the order measured (this window is their median). */
  readonly roundsCpuMicrosPerRequest?: readonly number[];
}

/** Below this share of one core a loaded server's window is flagged as not saturated. */
export const SATURATED_SHARE = 0.9;

export interface ScaleStep {
  readonly items: number;
  readonly loadSeconds: number;
  readonly itemsPerSecond: number;
  readonly memory: Memory;
  /** Size of the data directory on disk (0 in memory). */
  readonly diskMiB: number;
}

export interface TargetResult {
  readonly target: TargetName;
  readonly label: string;
  skipped?: string;
  failure?: string;
  readonly startupMs: number[];
  /** Memory of a just-started server that has answered one request. */
  readonly idleMemory: Memory[];
  readonly throughput: Measured[];
  readonly sequential: Measured[];
  /** Workloads whose probe request failed (e.g. an operation the peer lacks), with the answer. */
  readonly notMeasured: { readonly workload: string; readonly reason: string }[];
  scale?: {
    readonly steps: ScaleStep[];
    /** GetItem on the large table while it holds `items` items. */
    readonly getItem: (Measured & { readonly items: number })[];
  };
}

const IDLE_SETTLE_MS = 500;
const SETTLE_AFTER_LOAD_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SEED = 0x5eed;

interface Readings {
  readonly serverCpuSeconds: number;
  /** The database's (PostgreSQL's processes), for a target that keeps its data in one. */
  readonly databaseCpuSeconds?: number;
  readonly harnessCpuSeconds: number;
  readonly machineCpuSeconds: number;
  readonly wallSeconds: number;
}

/**
 * Starts reading the server's CPU time (all its processes), its database's
 * and this process's (all its threads'); the function it returns ends the reading.
 */
function meter(running: Running): () => Readings {
  // Read in the reverse order at the end, so each interval spans the ones inside it.
  const machine = machineBusySeconds();
  const database = running.databasePid === undefined ? undefined : treeCpuSeconds(running.databasePid);
  const server = treeCpuSeconds(running.pid);
  const own = process.cpuUsage();
  const began = performance.now();
  return () => {
    const wallSeconds = (performance.now() - began) / 1000;
    const { user, system } = process.cpuUsage(own);
    const serverCpuSeconds = treeCpuSeconds(running.pid) - server;
    const databaseCpuSeconds = database === undefined ? undefined : treeCpuSeconds(running.databasePid!) - database;
    return {
      serverCpuSeconds,
      ...(databaseCpuSeconds === undefined ? {} : { databaseCpuSeconds }),
      harnessCpuSeconds: (user + system) / 1e6,
      machineCpuSeconds: machineBusySeconds() - machine,
      wallSeconds,
    };
  };
}

interface LoadShape {
  readonly connections: number;
  readonly clients: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

const closedLoopShape = (options: Options): LoadShape => ({
  connections: options.connections,
  clients: options.clients,
  warmupSeconds: options.warmupSeconds,
  seconds: options.seconds,
});

/** A warm-up, then the measured window; in this thread on `client`, or on threads of their own when `clients` > 1. */
async function measure(running: Running, client: Client, ref: WorkloadRef, shape: LoadShape): Promise<Measured> {
  const workload = findWorkload(ref);
  const { connections, warmupSeconds, seconds } = shape;
  const clients = Math.max(1, Math.min(shape.clients, connections));
  let tallies: Tally[];
  let reading: Readings;
  if (clients === 1) {
    const random = seededRandom(SEED);
    const next = () => workload.next(random);
    if (warmupSeconds > 0) await collect(client, next, connections, warmupSeconds);
    const stop = meter(running);
    tallies = [await collect(client, next, connections, seconds)];
    reading = stop();
  } else {
    ({ tallies, reading } = await driveThreads({ endpoint: running.endpoint, ref, connections, clients, seed: SEED, warmupSeconds, seconds }, () => meter(running)));
  }
  const window = summarise(tallies, reading.wallSeconds);
  const answered = window.requests + window.errors;
  const perRequest = (spent: number) => (answered > 0 ? (spent / answered) * 1e6 : Number.NaN);
  const cpuMicrosPerRequest = perRequest(reading.serverCpuSeconds);
  const serverCoreShare = reading.serverCpuSeconds / reading.wallSeconds;
  return {
    workload: workload.name,
    connections,
    clients,
    ...window,
    serverCpuSeconds: reading.serverCpuSeconds,
    cpuMicrosPerRequest,
    serverCoreShare,
    ...(connections > 1 ? { saturated: serverCoreShare >= SATURATED_SHARE } : {}),
    harnessCpuSeconds: reading.harnessCpuSeconds,
    harnessCpuMicrosPerRequest: perRequest(reading.harnessCpuSeconds),
    ...(reading.databaseCpuSeconds === undefined ? {} : { databaseCpuMicrosPerRequest: perRequest(reading.databaseCpuSeconds) }),
    otherCoreShare:
      Math.max(0, reading.machineCpuSeconds - reading.serverCpuSeconds - (reading.databaseCpuSeconds ?? 0) - reading.harnessCpuSeconds) / reading.wallSeconds,
    ...(workload.items === undefined ? {} : { items: workload.items, cpuMicrosPerItem: cpuMicrosPerRequest / workload.items }),
  };
}

/** The window with the median server CPU per request (the lower middle of an even count), naming every window's. */
function medianWindow(windows: readonly Measured[]): Measured {
  if (windows.length === 1) return windows[0]!;
  const sorted = [...windows].sort((x, y) => x.cpuMicrosPerRequest - y.cpuMicrosPerRequest);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, roundsCpuMicrosPerRequest: windows.map((w) => w.cpuMicrosPerRequest) };
}

/** One line of progress for a window. */
function describe(m: Measured): string {
  const saturation = m.saturated === false ? ' NOT SATURATED' : '';
  return (
    `server CPU ${m.cpuMicrosPerRequest.toFixed(0)} µs/req (${Math.floor(m.serverCoreShare * 100)} % of a core${saturation})  ` +
    `${m.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms  errors ${m.errors}  ` +
    `harness CPU ${m.harnessCpuMicrosPerRequest.toFixed(0)} µs/req  rest of the machine ${(m.otherCoreShare * 100).toFixed(0)} % of a core`
  );
}

/** One request of the workload, checked for the expected answer, so a broken workload fails loudly instead of measuring errors. */
async function probe(client: Client, workload: Workload): Promise<void> {
  const { operation, payload } = workload.next(seededRandom(1));
  const problem = workload.check(await client.call(operation, payload));
  if (problem !== undefined) throw new Error(`${workload.name}: ${problem}`);
}

async function startMeasured(target: Target, port: number, result: TargetResult, options: Options): Promise<Running> {
  const flags = options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  const running = await start(target, port, flags);
  const log = options.log;
  result.startupMs.push(running.startupMs);
  await sleep(IDLE_SETTLE_MS);
  const idle = memory(running.pid);
  result.idleMemory.push(idle);
  log(`  started in ${running.startupMs.toFixed(0)} ms, RSS ${idle.rssMiB.toFixed(1)} MiB`);
  return running;
}

/** A started target with its tables loaded, the workloads it answered correctly, and its clients. */
interface Prepared {
  readonly result: TargetResult;
  readonly running: Running;
  readonly client: Client;
  readonly single: Client;
  readonly measurable: Set<string>;
}

async function prepare(target: Target, options: Options, port: number, result: TargetResult, selected: readonly Workload[]): Promise<Prepared> {
  const running = await startMeasured(target, port, result, options);
  const prepared = { result, running, client: new Client(running.endpoint, options.connections), single: new Client(running.endpoint, 1), measurable: new Set<string>() };
  const { client } = prepared;
  try {
    const used = new Set(selected.map((w) => w.table));
    for (const table of workloadSet(options.set).tables(options.sizes)) {
      if (used.has(table.definition.TableName)) await createAndLoad(client, table, options.connections);
    }
  } catch (error) {
    // A target that cannot be loaded is reported as failed; its process must not outlive the run.
    await release(prepared);
    throw error;
  }
  for (const workload of selected) {
    try {
      await probe(client, workload);
      prepared.measurable.add(workload.name);
    } catch (error) {
      result.notMeasured.push({ workload: workload.name, reason: (error as Error).message });
      options.log(`  ${workload.name.padEnd(18)} not measured: ${(error as Error).message}`);
    }
  }
  return prepared;
}

async function release(prepared: Prepared): Promise<void> {
  await prepared.client.close();
  await prepared.single.close();
  await prepared.running.stop();
}

/**
 * Every target runs at once, idle but for the one being measured, and each
 * workload is measured on one target after the other: the targets compared
 * in a ratio are measured within seconds of each other, so a slow minute on
 * a shared machine (another process, disk writeback) cannot land on one
 * target only.
 */
async function mainPhase(targets: readonly { target: Target; port: number; result: TargetResult }[], options: Options): Promise<void> {
  const selected = workloadSet(options.set)
    .workloads(options.sizes)
    .filter((w) => options.workloads.length === 0 || options.workloads.includes(w.name));
  const ref = (workload: Workload): WorkloadRef => ({ set: options.set, name: workload.name, sizes: options.sizes });
  const closedLoop = closedLoopShape(options);
  const prepared: Prepared[] = [];
  try {
    for (const { target, port, result } of targets) {
      options.log(`${target.label}: starting and loading`);
      try {
        prepared.push(await prepare(target, options, port, result, selected));
      } catch (error) {
        options.log(`  failed: ${(error as Error).message}`);
        result.failure = (error as Error).message;
      }
    }
    // Let the loads' after-effects (a JVM's compiler threads, disk writeback) pass before the first window.
    await sleep(SETTLE_AFTER_LOAD_MS);
    for (const workload of selected) {
      options.log(`${workload.name}:`);
      const windows = new Map<Prepared, Measured[]>();
      for (let round = 0; round < options.rounds; round++) {
        for (const entry of prepared) {
          if (!entry.measurable.has(workload.name)) continue;
          const measured = await measure(entry.running, entry.client, ref(workload), closedLoop);
          windows.set(entry, [...(windows.get(entry) ?? []), measured]);
          options.log(`  ${entry.result.target.padEnd(16)} ${describe(measured)}`);
          for (const sample of measured.errorSamples) options.log(`    error: ${sample}`);
        }
      }
      for (const [{ result }, measured] of windows) result.throughput.push(medianWindow(measured));
    }
    if (options.sequentialSeconds > 0) {
      for (const workload of selected) {
        for (const { result, running, single, measurable } of prepared) {
          if (!measurable.has(workload.name)) continue;
          const sequential = { connections: 1, clients: 1, warmupSeconds: Math.min(0.5, options.sequentialSeconds / 4), seconds: options.sequentialSeconds };
          result.sequential.push(await measure(running, single, ref(workload), sequential));
        }
      }
      for (const { result } of prepared) {
        options.log(`  ${result.target} sequential p50/p99: ${result.sequential.map((m) => `${m.workload} ${m.p50Ms.toFixed(2)}/${m.p99Ms.toFixed(2)} ms`).join(', ')}`);
      }
    }
  } finally {
    await Promise.all(prepared.map(release));
  }
}

/** A fresh server loaded up to each step: its memory, and GetItem's cost on a small and a large table. */
async function scalePhase(target: Target, options: Options, port: number, steps: readonly number[], result: TargetResult): Promise<void> {
  const running = await startMeasured(target, port, result, options);
  const client = new Client(running.endpoint, options.connections);
  const scale = { steps: [] as ScaleStep[], getItem: [] as (Measured & { items: number })[] };
  const measureGet = async (items: number) => {
    const ref: WorkloadRef = { set: 'scale', name: 'GetItem', sizes: { ...options.sizes, kvItems: items } };
    const measured = await measure(running, client, ref, closedLoopShape(options));
    scale.getItem.push({ ...measured, items });
    options.log(`  GetItem at ${items} items: ${describe(measured)}`);
  };
  try {
    await createTable(client, kvTable(BIG_TABLE, 0).definition);
    const small = Math.min(options.sizes.kvItems, steps[0]!);
    await load(client, BIG_TABLE, 0, small, kvItem, options.connections);
    await measureGet(small);
    let loaded = small;
    for (const items of steps) {
      const began = performance.now();
      await load(client, BIG_TABLE, loaded, items, kvItem, options.connections);
      const loadSeconds = (performance.now() - began) / 1000;
      const step = { items, loadSeconds, itemsPerSecond: (items - loaded) / loadSeconds, memory: memory(running.pid), diskMiB: running.diskBytes() / 1024 ** 2 };
      scale.steps.push(step);
      options.log(`  loaded ${items} items (${step.itemsPerSecond.toFixed(0)} items/s): RSS ${step.memory.rssMiB.toFixed(1)} MiB (anonymous ${step.memory.anonMiB.toFixed(1)}, file-backed ${step.memory.fileMiB.toFixed(1)}), data on disk ${step.diskMiB.toFixed(0)} MiB`);
      loaded = items;
    }
    await measureGet(loaded);
  } finally {
    await client.close();
    await running.stop();
  }
  result.scale = scale;
}

export async function runBench(options: Options): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  const available: { target: Target; port: number; result: TargetResult }[] = [];
  for (const [index, name] of options.targets.entries()) {
    const target = TARGETS.find((t) => t.name === name);
    if (target === undefined) throw new Error(`unknown target ${name}`);
    const result: TargetResult = { target: name, label: target.label, startupMs: [], idleMemory: [], throughput: [], sequential: [], notMeasured: [] };
    results.push(result);
    const skipped = unavailable(target);
    if (skipped !== undefined) {
      options.log(`${target.label}: skipped (${skipped})`);
      result.skipped = skipped;
      continue;
    }
    available.push({ target, port: options.basePort + index, result });
  }
  await mainPhase(available, options);
  for (const { target, port, result } of available) {
    if (result.failure !== undefined) continue;
    options.log(`${target.label}: memory and start-up`);
    try {
      const steps = target.stores ? options.scaleSteps(target.name) : [];
      if (steps.length > 0) await scalePhase(target, options, port, steps, result);
      while (result.startupMs.length < options.startups) await (await startMeasured(target, port, result, options)).stop();
    } catch (error) {
      options.log(`  failed: ${(error as Error).message}`);
      result.failure = (error as Error).message;
    }
  }
  return results;
}
