/**
 * A short run of `npm run crash-test` (docs/reliability.md): three rounds of
 * kill -9 under the mixed write load, each followed by every check. The full
 * run (100 rounds) is too long for the suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrashRun } from '../../reliability/crash/runner.js';
import { externalEndpoint } from '../helpers/harness.js';

test('crash test: 3 rounds of kill -9 lose nothing acknowledged and leave nothing half done', { skip: externalEndpoint !== undefined, timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-crash-test-'));
  try {
    const run = new CrashRun({
      rounds: 3,
      seed: 1,
      dataDir: join(dir, 'data'),
      serverArgs: [],
      concurrency: 16,
      killMinMs: 200,
      killMaxMs: 1000,
      sizes: { mainKeys: 1000, expiringKeys: 100, sideKeys: 300 },
      settleTimeoutMs: 60_000,
      log: () => undefined,
    });
    const summary = await run.execute();
    assert.equal(summary.rounds, 3);
    assert.equal(summary.inFlight.operations, summary.inFlight.happened + summary.inFlight.didNot + summary.inFlight.partly + summary.inFlight.invisible);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
