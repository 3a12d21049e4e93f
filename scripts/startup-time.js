#!/usr/bin/env node
// Measures how long `dynalith` takes from process spawn to its first answered
// request, on a fresh empty data dir each run. Usage: node scripts/startup-time.js [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';

const runs = Number(process.argv[2] ?? 10);
const port = 18700;

function answered() {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

const times = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/dynalith.js', '--port', String(port), '--data-dir', join(dir, 'data'), '--log-level', 'silent'], {
    stdio: 'ignore',
  });
  while (!(await answered())) await new Promise((resolve) => setTimeout(resolve, 2));
  times.push(performance.now() - started);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`start to first answer over ${runs} runs: median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`);
