/**
 * What a server process costs, read from /proc: the load generator shares the
 * machine's cores with the server, so throughput alone understates a fast
 * server, while its own CPU time per request does not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

/** User plus system CPU seconds the process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its ')' are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** The pids of a process's children (all its threads'). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * CPU seconds a process and all its descendants have used so far: a server
 * of several processes (`--workers`, PostgreSQL's backends) counts whole. A
 * descendant that exited in between takes its time with it.
 */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  for (const next of [pid, ...childrenOf(pid)]) {
    try {
      total += next === pid ? cpuSeconds(next) : treeCpuSeconds(next);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return total;
}

/**
 * CPU seconds the whole machine has been busy so far, all cores: user, nice,
 * system, irq and softirq time from /proc/stat. What is left after the server's
 * and the harness's own time is other work on a shared machine.
 */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8');
  const fields = cpu.slice(0, cpu.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields;
  return (user + nice + system + irq + softirq) / clockTicks();
}

export interface Memory {
  /** Resident set size in MiB. */
  readonly rssMiB: number;
  /** Its anonymous part (heaps): what the process itself holds on to. */
  readonly anonMiB: number;
  /** Its file-backed part, e.g. a memory-mapped database: page cache the kernel can take back. */
  readonly fileMiB: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  };
  return { rssMiB: field('VmRSS'), anonMiB: field('RssAnon'), fileMiB: field('RssFile') };
}
