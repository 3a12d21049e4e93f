/**
 * The benchmark harness works end to end on a tiny run: it starts Dynalith and
 * the ceiling, measures, and writes results. Speed itself is never asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions, record, saveRun, type RunRecord } from '../../bench/cli.js';
import { renderMarkdown } from '../../bench/report.js';

test('a tiny GetItem run against Dynalith and the ceiling produces numbers, JSON and a table', { timeout: 30_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-test-'));
  try {
    const { options, mode } = parseOptions(
      ['--targets', 'dynalith-memory,ceiling', '--workloads', 'GetItem', '--seconds', '0.3', '--warmup', '0.1', '--sequential-seconds', '0.2', '--kv-items', '200', '--no-scale', '--startups', '1', '--base-port', '8281'],
      () => {},
    );
    assert.equal(mode, 'custom');
    const run = await record(options, mode);
    assert.deepEqual(run.results.map((r) => r.target), ['dynalith-memory', 'ceiling']);
    for (const result of run.results) {
      assert.equal(result.failure, undefined);
      assert.deepEqual(result.notMeasured, []);
      assert.equal(result.startupMs.length, 1);
      assert.ok(result.startupMs[0]! > 0);
      assert.ok(result.idleMemory[0]!.rssMiB > 0 && result.idleMemory[0]!.anonMiB > 0);
      const [get] = result.throughput;
      assert.equal(get?.workload, 'GetItem');
      assert.equal(get.errors, 0);
      assert.ok(get.requests > 0 && get.requestsPerSecond > 0);
      assert.ok(get.p50Ms > 0 && get.p99Ms >= get.p50Ms);
      assert.ok(Number.isFinite(get.cpuMicrosPerRequest) && get.cpuMicrosPerRequest >= 0);
      assert.equal(result.sequential[0]?.connections, 1);
    }
    const path = saveRun(run, out);
    assert.deepEqual(readdirSync(out), [path.slice(out.length + 1)]);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
    assert.equal(saved.results[0]!.throughput[0]!.requests, run.results[0]!.throughput[0]!.requests);
    assert.deepEqual(saved.settings.scaleSteps, { 'dynalith-memory': [], ceiling: [] });
    const table = renderMarkdown(run.results);
    assert.match(table, /\| GetItem \| dynalith-memory \| \d+ \| [\d.]+× \|/);
    assert.match(table, /\| GetItem \| ceiling \| \d+ \| 1\.00× \|/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('options: --quick leaves out the peers and keeps the large-table phase to 100,000 items', () => {
  const { options, mode } = parseOptions(['--quick'], () => {});
  assert.equal(mode, 'quick');
  assert.deepEqual(options.targets, ['dynalith-disk', 'dynalith-memory', 'ceiling']);
  assert.deepEqual(options.scaleSteps('dynalith-disk'), [100_000]);
  const full = parseOptions([], () => {});
  assert.equal(full.mode, 'full');
  assert.deepEqual(full.options.scaleSteps('dynalith-disk'), [100_000, 1_000_000]);
  assert.deepEqual(full.options.scaleSteps('dynalite'), [100_000]);
  assert.throws(() => parseOptions(['--targets', 'nope'], () => {}), /unknown target nope/);
});
