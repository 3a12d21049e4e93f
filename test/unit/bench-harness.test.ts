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
import { INDEPENDENT_TABLE, independentSet } from '../../bench/independent.js';
import { renderMarkdown } from '../../bench/report.js';
import type { Measured, TargetResult } from '../../bench/run.js';
import type { TargetName } from '../../bench/targets.js';
import { itemSize } from '../../src/model/item-size.js';
import type { Item } from '../../src/model/attribute-value.js';

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
      assert.ok(get.serverCoreShare >= 0 && Number.isFinite(get.serverCoreShare));
      assert.equal(typeof get.saturated, 'boolean');
      assert.ok(get.harnessCpuMicrosPerRequest > 0);
      assert.ok(get.otherCoreShare >= 0 && get.otherCoreShare <= 2);
      assert.equal(get.clients, 1);
      assert.equal(result.sequential[0]?.connections, 1);
      // One connection cannot saturate anything: sequential windows carry no flag.
      assert.equal(result.sequential[0]?.saturated, undefined);
    }
    const path = saveRun(run, out);
    assert.deepEqual(readdirSync(out), [path.slice(out.length + 1)]);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
    assert.equal(saved.results[0]!.throughput[0]!.requests, run.results[0]!.throughput[0]!.requests);
    assert.deepEqual(saved.settings.scaleSteps, { 'dynalith-memory': [], ceiling: [] });
    const table = renderMarkdown(run.results);
    // Server CPU per request first, then × the ceiling's and the target for it.
    assert.match(table, /\| GetItem \| dynalith-memory \| \d+ \| [\d.]+× \| ≤ 1\.5× [✓✗] \|/);
    assert.match(table, /\| GetItem \| ceiling \| \d+ \| 1\.00× \| – \|/);
    assert.match(table, /sequential GetItem p50 within 0\.05 ms/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('options: --quick leaves out the peers and keeps the large-table phase to 100,000 items', () => {
  const { options, mode } = parseOptions(['--quick'], () => {});
  assert.equal(mode, 'quick');
  assert.deepEqual(options.targets, ['dynalith-disk', 'dynalith-memory', 'ceiling', 'ceiling-net']);
  assert.deepEqual(options.scaleSteps('dynalith-disk'), [100_000]);
  const full = parseOptions([], () => {});
  assert.equal(full.mode, 'full');
  assert.deepEqual(full.options.scaleSteps('dynalith-disk'), [100_000, 1_000_000]);
  assert.deepEqual(full.options.scaleSteps('dynalite'), [100_000]);
  assert.throws(() => parseOptions(['--targets', 'nope'], () => {}), /unknown target nope/);
});

test('--clients 2 shares the connections between two load threads', { timeout: 30_000 }, async () => {
  const { options } = parseOptions(
    ['--targets', 'ceiling', '--workloads', 'GetItem,BatchGetItem', '--clients', '2', '--seconds', '0.3', '--warmup', '0.1', '--sequential-seconds', '0', '--kv-items', '200', '--no-scale', '--startups', '1', '--base-port', '8291'],
    () => {},
  );
  const [ceiling] = (await record(options, 'custom')).results;
  assert.equal(ceiling?.failure, undefined);
  assert.deepEqual(
    ceiling!.throughput.map((m) => [m.workload, m.clients, m.errors]),
    [
      ['GetItem', 2, 0],
      ['BatchGetItem', 2, 0],
    ],
  );
  for (const m of ceiling!.throughput) assert.ok(m.requests > 0 && m.p50Ms > 0 && m.harnessCpuMicrosPerRequest > 0);
  const batch = ceiling!.throughput[1]!;
  assert.equal(batch.items, 100);
  assert.ok(Math.abs(batch.cpuMicrosPerItem! * 100 - batch.cpuMicrosPerRequest) < 1e-6);
});

test('options: --set independent runs issue 13\'s method: its targets and both ceilings, 200 partitions, no large-table phase', () => {
  const { options, mode } = parseOptions(['--set', 'independent'], () => {});
  assert.equal(mode, 'full');
  assert.equal(options.set, 'independent');
  assert.deepEqual(options.targets, ['dynalith-disk', 'ceiling', 'ceiling-net', 'dynalite', 'dynamodb-local']);
  assert.equal(options.sizes.partitions, 200);
  assert.equal(options.connections, 32);
  assert.equal(options.clients, 1);
  assert.deepEqual(options.scaleSteps('dynalith-disk'), []);
  assert.equal(options.startups, 1);
  assert.deepEqual(parseOptions(['--set', 'independent', '--quick'], () => {}).options.targets, ['dynalith-disk', 'ceiling', 'ceiling-net']);
  assert.equal(parseOptions(['--clients', '3'], () => {}).options.clients, 3);
  assert.throws(() => parseOptions(['--set', 'nope'], () => {}), /unknown set nope/);
});

test('the independent set: 20,000 items of ~200 bytes in 200 partitions of a pk S + sk N table, and its six workloads', () => {
  const sizes = { kvItems: 10_000, partitions: 200 };
  const [table] = independentSet.tables(sizes);
  assert.equal(table!.definition.TableName, INDEPENDENT_TABLE);
  assert.equal(table!.count, 20_000);
  assert.deepEqual(table!.definition.AttributeDefinitions, [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
  ]);
  const sizesOf = [0, 99, 19_999].map((i) => itemSize(JSON.parse(table!.item(i)) as Item));
  for (const size of sizesOf) assert.ok(size >= 190 && size <= 210, `item of ${size} bytes`);
  const keys = new Set(Array.from({ length: table!.count }, (_, i) => table!.key(i)));
  assert.equal(keys.size, 20_000);
  assert.deepEqual(JSON.parse(table!.key(20_099 % 20_000)), { pk: { S: 'p0000' }, sk: { N: '99' } });
  assert.deepEqual(JSON.parse(table!.key(19_999)), { pk: { S: 'p0199' }, sk: { N: '99' } });
  const workloads = independentSet.workloads(sizes);
  assert.deepEqual(
    workloads.map((w) => [w.name, w.table, w.items]),
    [
      ['PutItem', INDEPENDENT_TABLE, undefined],
      ['GetItem', INDEPENDENT_TABLE, undefined],
      ['Query', INDEPENDENT_TABLE, undefined],
      ['UpdateItem', INDEPENDENT_TABLE, undefined],
      ['BatchGetItem', INDEPENDENT_TABLE, 100],
      ['BatchWriteItem', INDEPENDENT_TABLE, 25],
    ],
  );
  let state = 7;
  const random = (n: number) => (state = (state * 48271) % 2147483647) % n;
  for (let round = 0; round < 200; round++) {
    const query = JSON.parse(workloads[2]!.next(random).payload) as { ExpressionAttributeValues: Record<string, { S?: string; N?: string }> };
    const values = query.ExpressionAttributeValues;
    assert.match(values[':p']!.S!, /^p0(0\d\d|1\d\d)$/);
    assert.equal(Number(values[':b']!.N) - Number(values[':a']!.N), 9);
    assert.ok(Number(values[':a']!.N) >= 0 && Number(values[':b']!.N) <= 99);
    const batch = JSON.parse(workloads[4]!.next(random).payload) as { RequestItems: Record<string, { Keys: unknown[] }> };
    const batchKeys = batch.RequestItems[INDEPENDENT_TABLE]!.Keys.map((k) => JSON.stringify(k));
    assert.equal(new Set(batchKeys).size, 100);
  }
});

/** A throughput window with the given figures; the rest plausible. */
function window(workload: string, cpuMicrosPerRequest: number, requestsPerSecond: number, serverCoreShare: number, items?: number): Measured {
  return {
    workload,
    connections: 32,
    clients: 1,
    requests: requestsPerSecond * 3,
    errors: 0,
    seconds: 3,
    requestsPerSecond,
    p50Ms: 1,
    p99Ms: 3,
    errorSamples: [],
    serverCpuSeconds: (cpuMicrosPerRequest * requestsPerSecond * 3) / 1e6,
    cpuMicrosPerRequest,
    serverCoreShare,
    saturated: serverCoreShare >= 0.9,
    harnessCpuSeconds: 1,
    harnessCpuMicrosPerRequest: 20,
    otherCoreShare: 0.05,
    ...(items === undefined ? {} : { items, cpuMicrosPerItem: cpuMicrosPerRequest / items }),
  };
}

function result(target: TargetName, throughput: Measured[], sequentialGetP50?: number): TargetResult {
  const sequential = sequentialGetP50 === undefined ? [] : [{ ...window('GetItem', 100, 5000, 0.5), connections: 1, saturated: undefined, p50Ms: sequentialGetP50 }];
  return { target, label: target, startupMs: [100], idleMemory: [{ rssMiB: 50, anonMiB: 10, fileMiB: 40 }], throughput, sequential, notMeasured: [] };
}

test('the report flags unsaturated windows and marks each of issue 13\'s targets met or missed', () => {
  const results = [
    result('dynalith-disk', [window('GetItem', 60, 15_000, 0.95), window('BatchWriteItem', 1000, 900, 0.7, 25)], 0.2),
    result('ceiling', [window('GetItem', 50, 19_000, 0.97), window('BatchWriteItem', 250, 3600, 0.93, 25)], 0.16),
    result('dynalite', [window('GetItem', 80, 7000, 0.98), window('BatchWriteItem', 2000, 500, 0.98, 25)]),
  ];
  const table = renderMarkdown(results);
  // GetItem: 60 / 50 = 1.2× ≤ 1.5 met; 15,000 / 7,000 ≥ 2× dynalite met.
  assert.match(table, /\| GetItem \| dynalith-disk \| 60 \| 1\.20× \| ≤ 1\.5× ✓ \| – \| 15000 \| 0\.79× \| 2\.14× ✓ \| – \| 0\.95 \|/);
  // BatchWriteItem: 40 µs per item against 10: 4× > 3 missed; 1.8× dynalite missed; the server was not saturated.
  assert.match(table, /\| BatchWriteItem \| dynalith-disk \| 1000 \| 4\.00× \| ≤ 3× ✗ \| 40\.0 \| 900 \| 0\.25× \| 1\.80× ✗ \| – \| 0\.70 not saturated \|/);
  assert.match(table, /\| BatchWriteItem \| ceiling \| 250 \| 1\.00× \| – \| 10\.0 \|/);
  assert.match(table, /\| GetItem server CPU per req ≤ 1\.5× the ceiling's \| dynalith-disk \| 60\.0 µs vs 50\.0: 1\.20× \| yes \|/);
  assert.match(table, /\| BatchWriteItem server CPU per item ≤ 3× the ceiling's \| dynalith-disk \| 40\.0 µs vs 10\.0: 4\.00× \| no \|/);
  assert.match(table, /\| every workload ≥ 2× dynalite's requests\/s \| dynalith-disk \| GetItem 2\.14×, BatchWriteItem 1\.80× \| no \|/);
  assert.match(table, /\| sequential GetItem p50 within 0\.05 ms of the ceiling's \| dynalith-disk \| 0\.200 ms vs 0\.160 \(\+0\.040\) \| yes \|/);
  assert.match(table, /Windows whose server was not saturated \([^)]*\): dynalith-disk BatchWriteItem \(0\.70; harness 0\.33, rest of the machine 0\.05\)\./);
  assert.doesNotMatch(table, /DynamoDB Local's requests/);
});
