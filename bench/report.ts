/** The run as Markdown tables: per workload and target, with ratios to the ceiling and to each peer. */
import { cpus, totalmem } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { median } from './lib/stats.js';
import type { Measured, TargetResult } from './run.js';
import type { TargetName } from './targets.js';

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
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !(b > 0) ? '–' : `${(a / b).toFixed(2)}×`);

function find(results: readonly TargetResult[], target: TargetName, workload: string, kind: 'throughput' | 'sequential'): Measured | undefined {
  return results.find((r) => r.target === target)?.[kind].find((m) => m.workload === workload);
}

export function renderMarkdown(results: readonly TargetResult[]): string {
  const lines: string[] = [];
  const ran = results.filter((r) => r.throughput.length > 0);
  const workloadNames = [...new Set(ran.flatMap((r) => r.throughput.map((m) => m.workload)))];
  lines.push(
    '### Throughput (32 connections)',
    '',
    'req/s counts answered requests without errors; CPU is the server process\'s user+system time per request (µs), ' +
      'from /proc/<pid>/stat before and after the measured window.',
    '',
    '| workload | target | req/s | × ceiling | × dynalite | × DDB Local | p50 ms | p99 ms | errors | CPU µs/req | CPU × ceiling |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const workload of workloadNames) {
    const ceiling = find(results, 'ceiling', workload, 'throughput');
    const dynalite = find(results, 'dynalite', workload, 'throughput');
    const local = find(results, 'dynamodb-local', workload, 'throughput');
    for (const result of ran) {
      const m = result.throughput.find((t) => t.workload === workload);
      if (!m) continue;
      lines.push(
        `| ${workload} | ${result.target} | ${fixed(m.requestsPerSecond, 0)} | ${ratio(m.requestsPerSecond, ceiling?.requestsPerSecond)} | ` +
          `${ratio(m.requestsPerSecond, dynalite?.requestsPerSecond)} | ${ratio(m.requestsPerSecond, local?.requestsPerSecond)} | ` +
          `${fixed(m.p50Ms, 2)} | ${fixed(m.p99Ms, 2)} | ${m.errors} | ${fixed(m.cpuMicrosPerRequest, 0)} | ${ratio(m.cpuMicrosPerRequest, ceiling?.cpuMicrosPerRequest)} |`,
      );
    }
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
  const notes = [
    ...results.flatMap((r) => r.notMeasured.map((n) => `- ${r.target}: ${n.workload} not measured: ${n.reason}`)),
    ...results.filter((r) => r.failure !== undefined).map((r) => `- ${r.target} failed: ${r.failure}`),
  ];
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}
