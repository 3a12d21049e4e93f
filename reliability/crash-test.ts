/**
 * `npm run crash-test -- [--rounds n] [--seed n] [--data-dir dir] [--server-args "..."] ...`:
 * kill -9 at random moments under a mixed write load, then check that nothing
 * acknowledged is lost and nothing unacknowledged is half done (see
 * docs/reliability.md). Exits 1 at the first violation, naming the seed and round.
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CrashRun, RoundViolation, type RunOptions, type Summary } from './crash/runner.js';
import { runHeader, runStart } from './run-header.js';
import { mountTmpfs, type Tmpfs } from '../test/helpers/tmpfs.js';

const FLAGS = {
  rounds: { type: 'string' },
  seed: { type: 'string' },
  'data-dir': { type: 'string' },
  'server-args': { type: 'string' },
  concurrency: { type: 'string' },
  'kill-min-ms': { type: 'string' },
  'kill-max-ms': { type: 'string' },
  items: { type: 'string' },
  'expiring-keys': { type: 'string' },
  'side-keys': { type: 'string' },
  'settle-timeout-ms': { type: 'string' },
  keep: { type: 'boolean' },
  'full-disk': { type: 'boolean' },
  'disk-mb': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const USAGE = `Usage: npm run crash-test -- [options]   (or node dist/reliability/crash-test.js [options])
  --rounds n               kill/restart/check rounds (default 100)
  --seed n                 seed of the operations and kill times (default: random, printed)
  --data-dir dir           the server's data directory, absent or empty (default: a fresh one under ${tmpdir()});
                           e.g. on a small mount to test a full disk
  --server-args "..."      more flags for the server, split on spaces (e.g. "--workers 2")
  --concurrency n          operations in flight at once (default 16)
  --kill-min-ms n, --kill-max-ms n
                           the kill comes uniformly this long after the load starts (default 200..2500)
  --items n                items of the main table loaded first and rewritten by the load (default 4000)
  --expiring-keys n        keys written with an expiry, in the past or far ahead (default 200)
  --side-keys n            keys of the table without indexes or stream (default 1000)
  --settle-timeout-ms n    how long a backfill or TTL sweep may take after a restart (default 120000)
  --keep                   keep the data directory (it is always kept after a violation)
  --full-disk              the data directory on a tmpfs of its own (needs root), filled during each round's load
                           and given space again at a random later moment, sometimes after the kill
  --disk-mb n              that tmpfs's size (default 2048; it takes memory only for what is stored)
`;

interface Parsed extends RunOptions {
  readonly keep: boolean;
  readonly ownDir: boolean;
  readonly tmpfs?: Tmpfs;
}

function parse(argv: readonly string[]): Parsed {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true });
  const integer = (name: keyof typeof FLAGS, fallback: number, min = 0) => {
    const text = values[name];
    if (text === undefined) return fallback;
    if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min) throw new Error(`--${name} must be an integer of at least ${min}, got '${String(text)}'`);
    return Number(text);
  };
  const given = values['data-dir'];
  let tmpfs: Tmpfs | undefined;
  if (values['full-disk'] === true) {
    if (given !== undefined) throw new Error('--full-disk mounts a data directory of its own: leave out --data-dir');
    const mounted = mountTmpfs(integer('disk-mb', 2048, 64) * 1024 * 1024);
    if (typeof mounted === 'string') throw new Error(mounted);
    tmpfs = mounted;
  }
  if (given !== undefined && existsSync(given) && readdirSync(given).length > 0) throw new Error(`--data-dir ${given} is not empty; the crash test starts from nothing`);
  const killMinMs = integer('kill-min-ms', 200);
  const killMaxMs = integer('kill-max-ms', Math.max(2500, killMinMs));
  if (killMaxMs < killMinMs) throw new Error('--kill-max-ms must be at least --kill-min-ms');
  return {
    rounds: integer('rounds', 100, 1),
    seed: integer('seed', Math.floor(Math.random() * 2 ** 31)),
    dataDir: tmpfs !== undefined ? join(tmpfs.path, 'data') : given === undefined ? join(mkdtempSync(join(tmpdir(), 'dynalith-crash-')), 'data') : resolve(given),
    ownDir: given === undefined && tmpfs === undefined,
    ...(tmpfs === undefined ? {} : { tmpfs, disk: tmpfs }),
    serverArgs: (values['server-args'] ?? '').split(' ').filter(Boolean),
    concurrency: integer('concurrency', 16, 1),
    killMinMs,
    killMaxMs,
    sizes: { mainKeys: integer('items', 4000, 25), expiringKeys: integer('expiring-keys', 200, 1), sideKeys: integer('side-keys', 1000, 1) },
    settleTimeoutMs: integer('settle-timeout-ms', 120_000, 1),
    keep: values.keep === true,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Arguments as a shell would need them typed. */
const quoted = (args: readonly string[]) => args.map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg)).join(' ');

/** `argv` without the given flags and their values. */
function withoutFlags(argv: readonly string[], flags: readonly string[]): string[] {
  return argv.filter((arg, i) => !flags.includes(arg) && !flags.includes(argv[i - 1] ?? ''));
}

const count = (n: number) => n.toLocaleString('en-US');

export function renderSummary(summary: Summary, options: RunOptions, seconds: number): string {
  const { inFlight } = summary;
  return [
    `- Seed ${options.seed}; ${options.concurrency} operations in flight at once; kill ${options.killMinMs}–${options.killMaxMs} ms into each round's load; ` +
      `${count(options.sizes.mainKeys)} + ${count(options.sizes.expiringKeys)} expiring keys in the main table, ${count(options.sizes.sideKeys)} in the side table` +
      (options.disk === undefined ? '' : '; the data directory on a tmpfs filled during each round (up to 1 MB left) and freed later'),
    '',
    '| | |',
    '|---|---|',
    `| rounds (kill -9, restart, check) | ${summary.rounds} in ${(seconds / 60).toFixed(1)} min |`,
    `| operations sent | ${count(summary.operations)} |`,
    `| acknowledged (item writes) | ${count(summary.acknowledged)} (${count(summary.itemWrites)}) |`,
    `| refused by their condition, as the model predicted | ${count(summary.refused)} |`,
    ...(options.disk === undefined
      ? []
      : [
          `| refused for a full disk (InternalServerError; none took effect) | ${count(summary.refusedDiskFull)} |`,
          `| kills while the disk was full (restart on a full disk) | ${summary.killsOnFullDisk} |`,
        ]),
    `| in flight at a kill | ${count(inFlight.operations)}: ${count(inFlight.happened)} took effect, ${count(inFlight.didNot)} did not, ` +
      `${count(inFlight.partly)} batches in part, ${count(inFlight.invisible)} could change nothing |`,
    `| kills during the backfill of a new index | ${summary.killsDuringBackfill} (index created ${summary.lateIndexCreates} times, deleted ${summary.lateIndexDeletes}) |`,
    `| stream records checked (TTL deletions among them) | ${count(summary.streamRecords)} (${count(summary.ttlDeletions)}) |`,
    `| items at the end (index entries) | ${count(summary.items)} (${count(summary.indexEntries)}) |`,
    ...Object.entries(summary.checks).map(([check, times]) => `| check passed: ${check} | ${times} times |`),
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) return void process.stdout.write(USAGE);
  let options: Parsed;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`crash-test: ${(error as Error).message.split('\n')[0]} (see --help)\n`);
    process.exit(2);
  }
  // The SDK's notice that it will need Node 22 from 2027 says nothing about the run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = runStart();
  const run = new CrashRun(options);
  const interrupted = () => {
    run.killServer();
    if (!options.keep) options.tmpfs?.unmount();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  options.log(`crash test: seed ${options.seed}, ${options.rounds} rounds, data in ${options.dataDir}`);
  try {
    await run.execute();
  } catch (error) {
    if (!(error instanceof RoundViolation)) throw error;
    const reproduce = ['--seed', String(options.seed), '--rounds', String(error.round), ...withoutFlags(argv, ['--seed', '--rounds'])];
    process.stderr.write(
      `\ncrash-test: VIOLATION in round ${error.round} (seed ${options.seed}): ${error.message}\n` +
        `  reproduce: npm run crash-test -- ${quoted(reproduce)}\n` +
        '  (the seed fixes the operations drawn and the kill times; the interleaving of concurrent requests is up to timing)\n' +
        `  data directory kept: ${options.dataDir}${options.tmpfs === undefined ? '' : ` (a tmpfs: umount ${options.tmpfs.path} when done)`}\n` +
        `  the server's last output:\n${run.serverOutput().replace(/^/gm, '    ')}\n`,
    );
    process.exit(1);
  }
  const seconds = (Date.now() - started.at.getTime()) / 1000;
  if (!options.keep) {
    // A directory given may be a mount point: empty it, keep it.
    if (options.ownDir) rmSync(join(options.dataDir, '..'), { recursive: true, force: true });
    else if (options.tmpfs !== undefined) options.tmpfs.unmount();
    else for (const name of readdirSync(options.dataDir)) rmSync(join(options.dataDir, name), { recursive: true, force: true });
  }
  process.stdout.write(
    `\n${runHeader('Crash test', `npm run crash-test -- ${quoted(argv)}`.trim(), started)}\n${renderSummary(run.summary, options, seconds)}\n`,
  );
}

await main(process.argv.slice(2));
