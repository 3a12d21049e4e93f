/**
 * The first lines of the block the reliability scripts print for
 * docs/reliability.md: when, on which commit, on which machine, and how busy
 * the machine was (other work on it skews every figure).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { describeMachine } from '../bench/report.js';

/** The commit the run started from (the build it runs), noted at its start. */
function currentCommit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${hash} with uncommitted changes` : hash;
  } catch {
    return 'unknown commit';
  }
}

export interface RunStart {
  readonly at: Date;
  readonly commit: string;
}

export function runStart(): RunStart {
  return { at: new Date(), commit: currentCommit() };
}

export function runHeader(title: string, command: string, start: RunStart): string {
  const machine = describeMachine();
  return [
    `### ${title}, ${start.at.toISOString().slice(0, 10)} (commit ${start.commit})`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}, Node ${machine.node}; ` +
      `load average at the end ${loadavg().map((load) => load.toFixed(2)).join('/')}`,
    `- Command: \`${command}\``,
  ].join('\n');
}
