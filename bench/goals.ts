/**
 * The issues' targets for Dynalith, checked against a run. Issue 13: server
 * CPU per request (per item moved for the batches) as a multiple of the
 * saturated ceiling's, throughput as a multiple of each peer's, and
 * sequential GetItem latency against the ceiling's. Issue 14: the CPU per
 * request of several processes (`--workers`) and of PostgreSQL-backed nodes
 * as a multiple of one process on LMDB's.
 */
import type { Measured, TargetResult } from './run.js';
import type { TargetName } from './targets.js';

/** Most server CPU per request (per item for the batches) a workload may take, × the ceiling's. */
export const CPU_GOALS: Readonly<Record<string, number>> = {
  GetItem: 1.5,
  PutItem: 2,
  UpdateItem: 2,
  Query: 2.5,
  BatchGetItem: 3,
  BatchWriteItem: 3,
};

/** Least requests/s on every workload, × each peer's. */
export const PEER_GOALS: readonly { readonly peer: TargetName; readonly label: string; readonly min: number }[] = [
  { peer: 'dynalite', label: 'dynalite', min: 2 },
  { peer: 'dynamodb-local', label: 'DynamoDB Local', min: 3 },
];

/**
 * Most server CPU per request (all its processes) a variant may take, × its
 * baseline's: scale-out's targets against one process on LMDB, and counting's
 * "at most 5 % lost" (capacity enforcement with metrics, and metrics alone,
 * against a server that counts nothing).
 */
export const VARIANT_GOALS: readonly { readonly target: TargetName; readonly baseline: TargetName; readonly max: number }[] = [
  { target: 'dynalith-workers', baseline: 'dynalith-disk', max: 1.1 },
  { target: 'dynalith-postgres', baseline: 'dynalith-disk', max: 3 },
  { target: 'dynalith-capacity', baseline: 'dynalith-uncounted', max: 1.05 },
  { target: 'dynalith-disk', baseline: 'dynalith-uncounted', max: 1.05 },
];

/** Sequential GetItem's p50 may exceed the ceiling's by this much. */
export const SEQUENTIAL_GET_MARGIN_MS = 0.05;

export const isDynalith = (target: TargetName) => target.startsWith('dynalith');

export const mark = (met: boolean) => (met ? '✓' : '✗');

export function find(results: readonly TargetResult[], target: TargetName, workload: string, kind: 'throughput' | 'sequential'): Measured | undefined {
  return results.find((r) => r.target === target)?.[kind].find((m) => m.workload === workload);
}

/** Server CPU × the ceiling's, per item when the workload moves several (the ceiling answers as many). */
export function cpuRatio(m: Measured, ceiling: Measured | undefined): number | undefined {
  if (ceiling === undefined) return undefined;
  const mine = m.cpuMicrosPerItem ?? m.cpuMicrosPerRequest;
  const theirs = ceiling.cpuMicrosPerItem ?? ceiling.cpuMicrosPerRequest;
  return theirs > 0 ? mine / theirs : undefined;
}

export interface Verdict {
  readonly goal: string;
  readonly target: TargetName;
  readonly measured: string;
  readonly met: boolean;
}

const ratioText = (value: number) => `${value.toFixed(2)}×`;

/** Every target of the issue that this run measured, for each Dynalith target in it. */
export function verdicts(results: readonly TargetResult[]): Verdict[] {
  const out: Verdict[] = [];
  for (const result of results.filter((r) => isDynalith(r.target) && r.throughput.length > 0)) {
    const target = result.target;
    for (const [workload, max] of Object.entries(CPU_GOALS)) {
      const m = find(results, target, workload, 'throughput');
      const ceiling = find(results, 'ceiling', workload, 'throughput');
      const ratio = m && cpuRatio(m, ceiling);
      if (m === undefined || ceiling === undefined || ratio === undefined) continue;
      const unit = m.items === undefined ? 'req' : 'item';
      const cost = (x: Measured) => (x.cpuMicrosPerItem ?? x.cpuMicrosPerRequest).toFixed(1);
      const caveat = ceiling.saturated === false ? ' (the ceiling was not saturated)' : '';
      out.push({
        goal: `${workload} server CPU per ${unit} ≤ ${max}× the ceiling's`,
        target,
        measured: `${cost(m)} µs vs ${cost(ceiling)}: ${ratioText(ratio)}${caveat}`,
        met: ratio <= max,
      });
    }
    for (const { peer, label, min } of PEER_GOALS) {
      const compared = result.throughput.flatMap((m) => {
        const theirs = find(results, peer, m.workload, 'throughput');
        return theirs && theirs.requestsPerSecond > 0 ? [{ workload: m.workload, ratio: m.requestsPerSecond / theirs.requestsPerSecond }] : [];
      });
      if (compared.length === 0) continue;
      const missed = compared.filter((c) => c.ratio < min);
      out.push({
        goal: `every workload ≥ ${min}× ${label}'s requests/s`,
        target,
        measured: compared.map((c) => `${c.workload} ${ratioText(c.ratio)}`).join(', '),
        met: missed.length === 0,
      });
    }
    const variant = VARIANT_GOALS.find((goal) => goal.target === target && results.some((r) => r.target === goal.baseline));
    for (const m of variant === undefined ? [] : result.throughput) {
      const single = find(results, variant!.baseline, m.workload, 'throughput');
      if (single === undefined || !(single.cpuMicrosPerRequest > 0)) continue;
      const times = m.cpuMicrosPerRequest / single.cpuMicrosPerRequest;
      out.push({
        goal: `${m.workload} server CPU per req ≤ ${variant!.max}× ${variant!.baseline}'s`,
        target,
        measured: `${m.cpuMicrosPerRequest.toFixed(1)} µs vs ${single.cpuMicrosPerRequest.toFixed(1)}: ${ratioText(times)}`,
        met: times <= variant!.max,
      });
    }
    const get = find(results, target, 'GetItem', 'sequential');
    const ceilingGet = find(results, 'ceiling', 'GetItem', 'sequential');
    if (get !== undefined && ceilingGet !== undefined) {
      const over = get.p50Ms - ceilingGet.p50Ms;
      out.push({
        goal: `sequential GetItem p50 within ${SEQUENTIAL_GET_MARGIN_MS} ms of the ceiling's`,
        target,
        measured: `${get.p50Ms.toFixed(3)} ms vs ${ceilingGet.p50Ms.toFixed(3)} (${over >= 0 ? '+' : ''}${over.toFixed(3)})`,
        met: over <= SEQUENTIAL_GET_MARGIN_MS,
      });
    }
  }
  return out;
}
