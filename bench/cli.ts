/**
 * `npm run bench [-- --quick] [--targets a,b] [--workloads A,B] [--seconds n] ...`:
 * runs the benchmark, prints the tables and writes the raw results as JSON.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePeers } from './peers.js';
import { runBackupBench } from './backup-load.js';
import { runReplicationBench } from './replication-lag.js';
import { runEmbedBench } from './embed-start.js';
import { describeMachine, renderMarkdown, type Machine } from './report.js';
import { runBench, type Options, type TargetResult } from './run.js';
import { SET_NAMES, type SetName } from './sets.js';
import { BENCH_DIR, TARGETS, type TargetName } from './targets.js';

export interface RunRecord {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly mode: 'full' | 'quick' | 'custom';
  readonly set: SetName;
  readonly settings: Omit<Options, 'scaleSteps' | 'log'> & { readonly scaleSteps: Record<string, readonly number[]> };
  readonly machine: Machine;
  /** 1/5/15-minute load averages before and after: other work on the machine skews every number. */
  readonly loadAverage: { readonly before: number[]; readonly after: number[] };
  readonly results: readonly TargetResult[];
}

const FLAGS = {
  quick: { type: 'boolean' },
  set: { type: 'string' },
  clients: { type: 'string' },
  targets: { type: 'string' },
  workloads: { type: 'string' },
  seconds: { type: 'string' },
  rounds: { type: 'string' },
  warmup: { type: 'string' },
  'sequential-seconds': { type: 'string' },
  'kv-items': { type: 'string' },
  partitions: { type: 'string' },
  'no-scale': { type: 'boolean' },
  startups: { type: 'string' },
  'base-port': { type: 'string' },
  out: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean' },
} as const;

const USAGE = `Usage: npm run bench -- [options]   (or node dist/bench/harness.js [options])
  --quick                    Dynalith (disk, memory) and the ceilings only, short windows
  --set name                 the workload set: standard (default); independent, issue 13's
                             method: one pk S + sk N table of 20,000 items in 200 partitions,
                             six workloads, targets dynalith-disk, ceiling and the peers, no
                             large-table phase; scale-out: the same workloads on one process,
                             --workers 2 and PostgreSQL (dynalith-disk, dynalith-workers,
                             dynalith-postgres); capacity: the same, one process counting
                             nothing (--metrics off), with metrics (the default) and with
                             metrics and --capacity enforce (dynalith-uncounted,
                             dynalith-disk, dynalith-capacity); backups: a table of --items n
                             (default 1,000,000) on LMDB backed up, then exported, under a paced
                             GetItem load (--rate n a second, default 500), each phase's p99 set
                             beside the idle one (--idle-seconds n)
  --clients n                load from n threads sharing the 32 connections (default 1)
  --targets a,b              of ${TARGETS.map((t) => t.name).join(', ')}
  --workloads A,B            e.g. GetItem,Query (default: all)
  --seconds n, --warmup n    measured window and warm-up per workload
  --rounds n                 windows per workload and target, interleaved across the targets; the
                             median by server CPU per request is reported (default 3 for scale-out and
                             capacity, else 1)
  --sequential-seconds n     single-client latency window per workload (0 to skip)
  --kv-items n, --partitions n   sizes of the pre-loaded tables
  --no-scale                 skip the large-table phase (memory at 100,000 / 1,000,000 items)
  --startups n               starts per target (start-up time samples)
  --base-port n              targets listen on consecutive ports from here (default 8201)
  --out dir                  where the JSON goes (default bench/results)
  --profile dir              run Node-based targets under node --cpu-prof, profiles into dir
`;

const DEFAULT_TARGETS: Record<SetName, readonly TargetName[]> = {
  standard: ['dynalith-disk', 'dynalith-memory', 'ceiling', 'ceiling-net', 'dynalite', 'dynamodb-local'],
  independent: ['dynalith-disk', 'ceiling', 'ceiling-net', 'dynalite', 'dynamodb-local'],
  'scale-out': ['dynalith-disk', 'dynalith-workers', 'dynalith-postgres'],
  capacity: ['dynalith-uncounted', 'dynalith-disk', 'dynalith-capacity'],
};

/** The targets a set runs by default; --quick leaves out the peers. */
function defaultTargets(set: SetName, quick: boolean): TargetName[] {
  return TARGETS.filter((t) => DEFAULT_TARGETS[set].includes(t.name) && !(quick && t.peer)).map((t) => t.name);
}

export function parseOptions(argv: readonly string[], log: (line: string) => void): { options: Options; mode: RunRecord['mode']; out: string } {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true });
  const quick = values.quick === true;
  const set = (values.set ?? 'standard') as SetName;
  if (!SET_NAMES.includes(set)) throw new Error(`unknown set ${set}; known: ${SET_NAMES.join(', ')}`);
  // The sets other than the standard one run issue 13's independent method: one table, no large-table phase.
  const independent = set !== 'standard';
  const number = (text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`not a number: ${text}`);
    return value;
  };
  const list = (text: string | undefined) => (text === undefined ? [] : text.split(',').map((s) => s.trim()).filter(Boolean));
  const targets = (list(values.targets).length > 0 ? list(values.targets) : defaultTargets(set, quick)) as TargetName[];
  for (const name of targets) if (!TARGETS.some((t) => t.name === name)) throw new Error(`unknown target ${name}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  // The independent method has no large-table phase.
  const scale = values['no-scale'] !== true && !independent;
  const custom =
    values.targets !== undefined || values.workloads !== undefined || values.seconds !== undefined || values.profile !== undefined || values['no-scale'] === true;
  return {
    mode: custom ? 'custom' : quick ? 'quick' : 'full',
    out: values.out ?? join(BENCH_DIR, 'results'),
    options: {
      targets,
      set,
      workloads: list(values.workloads),
      connections: 32,
      clients: Math.max(1, Math.round(number(values.clients, 1))),
      warmupSeconds: number(values.warmup, quick ? 0.5 : 1),
      seconds: number(values.seconds, quick ? 2 : 3),
      // Ratios of CPU per request a few percent apart need more than one window on a shared 2-core machine.
      rounds: Math.max(1, Math.round(number(values.rounds, set === 'scale-out' || set === 'capacity' ? 3 : 1))),
      sequentialSeconds: number(values['sequential-seconds'], quick ? 0.5 : 1),
      sizes: { kvItems: number(values['kv-items'], 10_000), partitions: Math.max(10, number(values.partitions, independent ? 200 : 100)) },
      // A million items takes the peers minutes to load, so they stop at 100,000.
      scaleSteps: (target) => (!scale ? [] : quick || !target.startsWith('dynalith') ? [100_000] : [100_000, 1_000_000]),
      // The independent method measures throughput only: the start before loading is its one sample.
      startups: number(values.startups, independent ? 1 : quick ? 2 : 3),
      basePort: number(values['base-port'], 8201),
      profileDir: values.profile,
      log,
    },
  };
}

export function saveRun(record: RunRecord, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const set = record.set === 'standard' ? '' : `${record.set}-`;
  const path = join(dir, `${record.startedAt.replace(/[:.]/g, '-')}-${set}${record.mode}.json`);
  writeFileSync(path, JSON.stringify(record, null, 2) + '\n');
  return path;
}

export async function record(options: Options, mode: RunRecord['mode']): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  const before = loadavg();
  const results = await runBench(options);
  const { scaleSteps, log: _log, ...settings } = options;
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode,
    set: options.set,
    settings: { ...settings, scaleSteps: Object.fromEntries(options.targets.map((t) => [t, scaleSteps(t)])) },
    machine: describeMachine(),
    loadAverage: { before, after: loadavg() },
    results,
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  const log = (line: string) => process.stderr.write(line + '\n');
  if (argv.includes('--help')) return void process.stdout.write(USAGE);
  // Its own measurement (one server, phases of background work under a paced load), with flags of its own.
  const setAt = argv.indexOf('--set');
  if (setAt >= 0 && argv[setAt + 1] === 'backups') return runBackupBench([...argv.slice(0, setAt), ...argv.slice(setAt + 2)]);
  if (setAt >= 0 && argv[setAt + 1] === 'replication') return runReplicationBench([...argv.slice(0, setAt), ...argv.slice(setAt + 2)]);
  if (setAt >= 0 && argv[setAt + 1] === 'embed') return runEmbedBench([...argv.slice(0, setAt), ...argv.slice(setAt + 2)]);
  let parsed;
  try {
    parsed = parseOptions(argv, log);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message.split('\n')[0]} (see --help)\n`);
    process.exit(2);
  }
  const { options, mode, out } = parsed;
  if (options.targets.some((name) => TARGETS.find((t) => t.name === name)?.peer)) ensurePeers(log);
  const run = await record(options, mode);
  const path = saveRun(run, out);
  const { machine } = run;
  process.stdout.write(
    `\n## Benchmark ${run.startedAt} (${run.set === 'standard' ? '' : `${run.set} set, `}${mode})\n\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}, Node ${machine.node}, ${machine.java}; ` +
      `load average ${run.loadAverage.before.map((l) => l.toFixed(2)).join('/')} before, ${run.loadAverage.after.map((l) => l.toFixed(2)).join('/')} after\n\n` +
      renderMarkdown(run.results) +
      `\nraw results: ${path}\n`,
  );
  if (run.results.some((r) => r.failure !== undefined)) process.exitCode = 1;
}
