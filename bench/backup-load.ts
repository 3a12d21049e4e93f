/**
 * `npm run bench -- --set backups [--items n] [--rate n] [--idle-seconds n]`
 * (or `node dist/bench/backup-load.js ...`): a table of `items` items on LMDB
 * is backed up, then exported (PITR switched on first, which copies its base),
 * while a paced foreground GetItem load runs; each phase's GetItem p50/p99 is
 * set beside the idle value, with the phase's duration, the server's CPU and
 * its anonymous memory (what a copy holding the table would show). The
 * foreground load is open-loop at `rate` requests a second, far below
 * saturation, so its latency shows what the background job costs a request,
 * not a queue of its own making.
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from './lib/client.js';
import { createKeyTable } from './lib/key-table.js';
import { forSeconds, pace } from './lib/paced.js';
import { memory, treeCpuSeconds } from './lib/proc.js';
import { percentile } from './lib/stats.js';
import { start, TARGETS } from './targets.js';

const TABLE = 'backup_bench';
const BUCKET = 'bench-exports';

interface Phase {
  readonly name: string;
  readonly seconds: number;
  readonly gets: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuSeconds: number;
  readonly anonMiB: number;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runBackupBench(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { items: { type: 'string' }, rate: { type: 'string' }, 'idle-seconds': { type: 'string' }, port: { type: 'string' } } });
  const items = Number(values.items ?? 1_000_000);
  const rate = Number(values.rate ?? 500);
  const idleSeconds = Number(values['idle-seconds'] ?? 20);
  const target = TARGETS.find((t) => t.name === 'dynalith-disk')!;
  let s3Dir = '';
  const server = await start(target, Number(values.port ?? 8290), [], (dir) => {
    s3Dir = join(dir, 's3');
    mkdirSync(join(s3Dir, BUCKET), { recursive: true });
    return ['--s3-dir', s3Dir, '--pitr-lag-ms', '0', '--log-level', 'warn'];
  });
  const foreground = new Client(server.endpoint, 16);
  const control = new Client(server.endpoint, 2);
  const phases: Phase[] = [];
  const get = (i: number) => ({ operation: 'GetItem', payload: JSON.stringify({ TableName: TABLE, Key: { pk: { S: `k${(i * 7919) % items}` } } }) });
  /** Runs the foreground load until `done`, and records it as a phase. */
  const measure = async (name: string, done: () => boolean): Promise<void> => {
    const cpuBefore = treeCpuSeconds(server.pid);
    const started = performance.now();
    let anonMiB = 0;
    const sampler = setInterval(() => (anonMiB = Math.max(anonMiB, memory(server.pid).anonMiB)), 250);
    const { sent, latencies } = await pace(foreground, rate, done, get);
    clearInterval(sampler);
    latencies.sort((a, b) => a - b);
    phases.push({
      name,
      seconds: (performance.now() - started) / 1000,
      gets: sent,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      cpuSeconds: treeCpuSeconds(server.pid) - cpuBefore,
      anonMiB,
    });
    console.log(`${name}: ${JSON.stringify(phases.at(-1))}`);
  };
  /** A `done` that polls `finished` every half second. */
  const whenFinished = (finished: () => Promise<boolean>): (() => boolean) => {
    let over = false;
    void (async () => {
      while (!over) {
        await sleep(500);
        over = await finished();
      }
    })();
    return () => over;
  };
  try {
    const loadStarted = performance.now();
    await createKeyTable(control, TABLE, items, (i) => ({ pk: { S: `k${i}` }, n: { N: String(i) }, pad: { S: 'x'.repeat(100) } }));
    console.log(`loaded ${items} items in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    await pace(foreground, rate, forSeconds(3), get);
    await measure('idle', forSeconds(idleSeconds));

    const { BackupDetails } = (await control.call('CreateBackup', { TableName: TABLE, BackupName: 'bench' })) as { BackupDetails: { BackupArn: string } };
    await measure(
      'backup',
      whenFinished(async () => {
        const answer = (await control.call('DescribeBackup', { BackupArn: BackupDetails.BackupArn })) as { BackupDescription: { BackupDetails: { BackupStatus: string } } };
        return answer.BackupDescription.BackupDetails.BackupStatus === 'AVAILABLE';
      }),
    );

    const { Table } = (await control.call('DescribeTable', { TableName: TABLE })) as { Table: { TableArn: string } };
    await control.call('UpdateContinuousBackups', { TableName: TABLE, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    const { ExportDescription } = (await control.call('ExportTableToPointInTime', { TableArn: Table.TableArn, S3Bucket: BUCKET, ExportFormat: 'DYNAMODB_JSON' })) as {
      ExportDescription: { ExportArn: string };
    };
    let exported: { ExportStatus: string; ItemCount?: number; FailureMessage?: string } | undefined;
    await measure(
      'PITR base copy + export',
      whenFinished(async () => {
        exported = ((await control.call('DescribeExport', { ExportArn: ExportDescription.ExportArn })) as { ExportDescription: typeof exported }).ExportDescription;
        return exported?.ExportStatus !== 'IN_PROGRESS';
      }),
    );
    if (exported?.ExportStatus !== 'COMPLETED' || exported.ItemCount !== items) throw new Error(`export ended ${JSON.stringify(exported)}`);

    const idle = phases[0]!;
    console.log(`\n${items.toLocaleString('en')} items, foreground ${rate} GetItem/s (open loop)\n`);
    console.log('| phase | seconds | items/s | GetItem p50 ms | GetItem p99 ms | p99 / idle | server CPU s | anon MiB (peak) |');
    console.log('|---|--:|--:|--:|--:|--:|--:|--:|');
    for (const phase of phases) {
      const perSecond = phase === idle ? '' : Math.round(items / phase.seconds).toLocaleString('en');
      console.log(
        `| ${phase.name} | ${phase.seconds.toFixed(1)} | ${perSecond} | ${phase.p50Ms.toFixed(2)} | ${phase.p99Ms.toFixed(2)} | ${(phase.p99Ms / idle.p99Ms).toFixed(2)} | ${phase.cpuSeconds.toFixed(1)} | ${phase.anonMiB.toFixed(0)} |`,
      );
    }
    console.log(`\nforeground load sent ${phases.map((p) => (p.gets / p.seconds).toFixed(0)).join(' / ')} GetItem/s per phase (asked: ${rate})`);
  } finally {
    await foreground.close();
    await control.close();
    await server.stop();
  }
}
