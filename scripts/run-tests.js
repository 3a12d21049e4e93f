#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) in one `node --test`
// invocation so the runner prints one summary. Arguments filter files by substring.
// A throwaway PostgreSQL server (scripts/postgres.js) serves the suites that
// run on the PostgreSQL backend; its URL reaches them in DYNALITH_TEST_POSTGRES.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startPostgres } from './postgres.js';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk('dist/test')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const postgres = await startPostgres();
const stop = () => postgres.stop();
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});
let status;
try {
  const env = { ...process.env, DYNALITH_TEST_POSTGRES: postgres.url };
  status = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env }).status;
} finally {
  stop();
}
process.exit(status ?? 1);
