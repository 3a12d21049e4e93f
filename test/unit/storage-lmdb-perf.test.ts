/**
 * A performance sanity check, not a timed test: 32 concurrent writers each
 * committing one key per write() for a second. It reports the rate and only
 * asserts that every acknowledged write is there.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbStorage } from '../../src/storage/lmdb.js';

const WRITERS = 32;
const DURATION_MS = 1000;

test('LMDB: 32 concurrent single-key writers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-perf-'));
  const storage = await openLmdbStorage({ path: dir });
  try {
    const value = new Uint8Array(200).fill(7);
    const deadline = performance.now() + DURATION_MS;
    const started = performance.now();
    const counts = await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        let written = 0;
        while (performance.now() < deadline) {
          const key = new TextEncoder().encode(`w${String(writer).padStart(2, '0')}-${String(written).padStart(8, '0')}`);
          await storage.write((tx) => tx.put(key, value));
          written++;
        }
        return written;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const total = counts.reduce((a, b) => a + b, 0);
    t.diagnostic(`${Math.round(total / seconds)} durable single-key writes/s with ${WRITERS} writers`);
    assert.equal(await storage.read((tx) => [...tx.range({})].length), total);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
