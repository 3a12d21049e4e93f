/** The run as Markdown tables: per workload and target, with ratios to the ceiling and to each peer. */
import { cpus, totalmem } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { CPU_GOALS, PEER_GOALS, VARIANT_GOALS, cpuRatio, find, isDynalith, mark, verdicts } from './goals.js';
import { median } from './lib/stats.js';
import { SATURATED_SHARE, type Measured, type TargetResult } from './run.js';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly java: string;
  readonly kernel: string;
}

export function describeMachine(): Machine {
  // `java -version` prints to stderr.
  const javaRun = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const java = javaRun.status === 0 ? (javaRun.stderr.split('\n')[0] ?? '').trim() : 'no java';
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    java,
    kernel: execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim(),
  };
}

const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
/** A window's server CPU per request, and every round's when there were several. */
const withRounds = (m: Measured) =>
  m.roundsCpuMicrosPerRequest === undefined ? fixed(m.cpuMicrosPerRequest, 0) : `${fixed(m.cpuMicrosPerRequest, 0)} (${m.roundsCpuMicrosPerRequest.map((v) => fixed(v, 0)).join(', ')})`;
/** A core share, cut (not rounded) to two decimals, so a flagged 0.896 never reads 0.90. */
const share = (value: number) => (Number.isFinite(value) ? (Math.floor(value * 100) / 100).toFixed(2) : '–');
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !(b > 0) ? '–' : `${(a / b).toFixed(2)}×`);

/** The cells of one throughput row from CPU per request to the harness's own CPU. */
function throughputCells(results: readonly TargetResult[], result: TargetResult, m: Measured): string[] {
  const ceiling = find(results, 'ceiling', m.workload, 'throughput');
  const dynalith = isDynalith(result.target);
  const cpu = cpuRatio(m, ceiling);
  const cpuGoal = CPU_GOALS[m.workload];
  const goalCell = dynalith && cpuGoal !== undefined && cpu !== undefined ? `≤ ${cpuGoal}× ${mark(cpu <= cpuGoal)}` : '–';
  const peerCells = PEER_GOALS.map(({ peer, min }) => {
    const theirs = find(results, peer, m.workload, 'throughput');
    const cell = ratio(m.requestsPerSecond, theirs?.requestsPerSecond);
    return dynalith && theirs !== undefined && theirs.requestsPerSecond > 0 ? `${cell} ${mark(m.requestsPerSecond / theirs.requestsPerSecond >= min)}` : cell;
  });
  const coreShare = `${share(m.serverCoreShare)}${m.saturated === false ? ' not saturated' : ''}`;
  return [
    fixed(m.cpuMicrosPerRequest, 0),
    cpu === undefined ? '–' : `${cpu.toFixed(2)}×`,
    goalCell,
    fixed(m.cpuMicrosPerItem, 1),
    fixed(m.requestsPerSecond, 0),
    ratio(m.requestsPerSecond, ceiling?.requestsPerSecond),
    ...peerCells,
    coreShare,
    fixed(m.p50Ms, 2),
    fixed(m.p99Ms, 2),
    String(m.errors),
    fixed(m.harnessCpuMicrosPerRequest, 0),
  ];
}

/** A table's rows: workload by workload, each target that measured it, `cells` after the workload and the target's name. */
function workloadRows(workloads: readonly string[], targets: readonly TargetResult[], cells: (result: TargetResult, m: Measured) => string[]): string[] {
  return workloads.flatMap((workload) =>
    targets.flatMap((result) => {
      const m = result.throughput.find((t) => t.workload === workload);
      return m === undefined ? [] : [`| ${workload} | ${result.target} | ${cells(result, m).join(' | ')} |`];
    }),
  );
}

export function renderMarkdown(results: readonly TargetResult[]): string {
  const lines: string[] = [];
  const ran = results.filter((r) => r.throughput.length > 0);
  const workloadNames = [...new Set(ran.flatMap((r) => r.throughput.map((m) => m.workload)))];
  const measured = ran.flatMap((r) => r.throughput);
  const threads = [...new Set(measured.map((m) => m.clients))].join(' or ');
  const source = threads === '' ? '' : `, load from ${threads} thread${threads === '1' ? '' : 's'}`;
  lines.push(
    `### Throughput (${measured[0]?.connections ?? 32} connections${source})`,
    '',
    "Server CPU is the server process's user+system time over the measured window (/proc/<pid>/stat), per request answered: the headline figure, " +
      'since the load generator shares the cores and can hold requests/s down. CPU × ceiling is per item moved for the batches (the ceiling answers as many). ' +
      `Core share is server CPU seconds per wall second; below ${SATURATED_SHARE} the server was not saturated (the load generator, or the disk, set the pace) ` +
      "and its requests/s are not its best. Harness CPU is the load generator's own (all its threads), per request. " +
      "✓/✗: issue 13's targets, for Dynalith's rows.",
    '',
    '| workload | server | CPU µs/req | CPU × ceiling | CPU target | CPU µs/item | req/s | × ceiling | × dynalite | × DDB Local | core share | p50 ms | p99 ms | errors | harness CPU µs/req |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  lines.push(...workloadRows(workloadNames, ran, (result, m) => throughputCells(results, result, m)));
  const variantOf = (target: string) => VARIANT_GOALS.find((goal) => goal.target === target && results.some((r) => r.target === goal.baseline));
  const scaledOut = ran.filter((r) => variantOf(r.target) !== undefined);
  if (scaledOut.length > 0) {
    lines.push(
      '',
      '### Variants (scale-out, counting): CPU per request of all the server\'s processes, against its baseline (one process on LMDB; for counting, one that counts nothing: --metrics off, --capacity report)',
      '',
      "Server CPU counts every process of the server (the primary and its workers); a PostgreSQL-backed node's database is counted apart (all of PostgreSQL's processes, durable: fsync on).",
      '',
      'With several rounds, each target\'s windows are interleaved and the one with the median CPU per request is shown; every window\'s figure follows in brackets, in the order measured.',
      '',
      '| workload | server | CPU µs/req | baseline | baseline CPU µs/req | × baseline | target | database CPU µs/req | req/s | core share | p50 ms | p99 ms | errors |',
      '|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    lines.push(
      ...workloadRows(workloadNames, scaledOut, (result, m) => {
        const { baseline, max } = variantOf(result.target)!;
        const single = find(results, baseline, m.workload, 'throughput');
        const times = single === undefined ? undefined : m.cpuMicrosPerRequest / single.cpuMicrosPerRequest;
        return [
          withRounds(m),
          baseline,
          single === undefined ? '–' : withRounds(single),
          ratio(m.cpuMicrosPerRequest, single?.cpuMicrosPerRequest),
          times === undefined ? '–' : `≤ ${max}× ${mark(times <= max)}`,
          fixed(m.databaseCpuMicrosPerRequest, 0),
          fixed(m.requestsPerSecond, 0),
          share(m.serverCoreShare),
          fixed(m.p50Ms, 2),
          fixed(m.p99Ms, 2),
          String(m.errors),
        ];
      }),
    );
  }
  const sequential = ran.filter((r) => r.sequential.length > 0);
  if (sequential.length > 0) {
    lines.push('', '### Sequential latency (one client, p50 / p99 ms)', '', `| workload | ${sequential.map((r) => r.target).join(' | ')} |`, `|---|${sequential.map(() => '--:').join('|')}|`);
    for (const workload of workloadNames) {
      const cells = sequential.map((r) => {
        const m = r.sequential.find((s) => s.workload === workload);
        return m ? `${fixed(m.p50Ms, 3)} / ${fixed(m.p99Ms, 3)}` : '–';
      });
      lines.push(`| ${workload} | ${cells.join(' | ')} |`);
    }
  }
  lines.push(
    '',
    '### Start-up, memory and table size',
    '',
    '| target | start to first answer, ms (median of n) | RSS idle MiB | RSS MiB after 100,000 items (anonymous part; data dir) | RSS MiB after 1,000,000 items (anonymous part; data dir) | load items/s | GetItem CPU µs/req small → large table |',
    '|---|--:|--:|--:|--:|--:|--:|',
  );
  for (const r of results) {
    if (r.skipped !== undefined || r.startupMs.length === 0) {
      lines.push(`| ${r.target} | ${r.skipped ?? r.failure ?? 'not run'} | | | | | |`);
      continue;
    }
    const rssAt = (items: number) => {
      const step = r.scale?.steps.find((s) => s.items === items);
      if (!step) return '–';
      const disk = step.diskMiB > 0 ? `; ${fixed(step.diskMiB, 0)} on disk` : '';
      return `${fixed(step.memory.rssMiB, 0)} (anon ${fixed(step.memory.anonMiB, 0)}${disk})`;
    };
    const loadRate = r.scale?.steps.length ? fixed(r.scale.steps.at(-1)!.itemsPerSecond, 0) : '–';
    const gets = r.scale?.getItem ?? [];
    const getCost =
      gets.length === 2
        ? `${fixed(gets[0]!.cpuMicrosPerRequest, 0)} @ ${gets[0]!.items.toLocaleString('en-US')} → ${fixed(gets[1]!.cpuMicrosPerRequest, 0)} @ ${gets[1]!.items.toLocaleString('en-US')} (${ratio(gets[1]!.cpuMicrosPerRequest, gets[0]!.cpuMicrosPerRequest)})`
        : '–';
    lines.push(
      `| ${r.target} | ${fixed(median(r.startupMs), 0)} (n=${r.startupMs.length}, ${fixed(Math.min(...r.startupMs), 0)}–${fixed(Math.max(...r.startupMs), 0)}) | ` +
        `${fixed(median(r.idleMemory.map((m) => m.rssMiB)), 0)} | ${rssAt(100_000)} | ${rssAt(1_000_000)} | ${loadRate} | ${getCost} |`,
    );
  }
  const checked = verdicts(results);
  if (checked.length > 0) {
    lines.push('', "### The issues' targets", '', '| target | server | measured | met? |', '|---|---|---|---|');
    for (const v of checked) lines.push(`| ${v.goal} | ${v.target} | ${v.measured} | ${v.met ? 'yes' : 'no'} |`);
  }
  const unsaturated = results.flatMap((r) =>
    r.throughput.filter((m) => m.saturated === false).map((m) => `${r.target} ${m.workload} (${share(m.serverCoreShare)}; harness ${share(m.harnessCpuSeconds / m.seconds)}, rest of the machine ${share(m.otherCoreShare)})`),
  );
  if (unsaturated.length > 0) lines.push('', `Windows whose server was not saturated (server's core share; the harness's and the rest of the machine's, in cores): ${unsaturated.join(', ')}.`);
  const notes = [
    ...results.flatMap((r) => r.notMeasured.map((n) => `- ${r.target}: ${n.workload} not measured: ${n.reason}`)),
    ...results.filter((r) => r.failure !== undefined).map((r) => `- ${r.target} failed: ${r.failure}`),
  ];
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}
