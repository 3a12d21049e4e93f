/**
 * Leases on one store shared by several holders (processes, nodes): one
 * holder at a time, renewal, take-over once the holder stops renewing, and
 * release on a clean stop. On every backend.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../../src/storage/storage.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';
import { Lease } from '../../src/engine/leases.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';

const backends: { name: string; open(dir: string): Promise<Storage> }[] = [
  { name: 'memory', open: async () => createMemoryStorage() },
  { name: 'lmdb', open: (dir) => openLmdbStorage({ path: join(dir, 'data') }) },
  ...(postgresUrl === undefined ? [] : [{ name: 'postgres', open: async () => openPostgresStorage({ url: await freshPostgresUrl() }) }]),
];

for (const backend of backends) {
  describe(`leases [${backend.name}]`, () => {
    let dir = '';
    let storage: Storage;
    let clock = 1_000_000;
    const now = () => clock;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'dynalith-lease-'));
      storage = await backend.open(dir);
      clock = 1_000_000;
    });

    afterEach(async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('one holder at a time; the other takes over once the holder stops renewing', async () => {
      const a = new Lease(storage, 'job', 10_000, 'a', now);
      const b = new Lease(storage, 'job', 10_000, 'b', now);
      assert.equal(await a.hold(), true);
      assert.equal(await b.hold(), false);
      clock += 6_000;
      assert.equal(await a.hold(), true, 'renewed past half its length');
      clock += 9_000;
      assert.equal(await b.hold(), false, 'the renewal moved the end');
      clock += 2_000;
      assert.equal(await b.hold(), true, 'a stopped renewing: b takes it');
      assert.equal(await a.hold(), false);
    });

    test('both asking at once: exactly one holds it', async () => {
      const holders = Array.from({ length: 8 }, (_, i) => new Lease(storage, 'race', 10_000, `h${i}`, now));
      const answers = await Promise.all(holders.map((lease) => lease.hold()));
      assert.equal(answers.filter(Boolean).length, 1);
    });

    test('a released lease is free at once; leases of other jobs are apart', async () => {
      const a = new Lease(storage, 'job', 10_000, 'a', now);
      const b = new Lease(storage, 'job', 10_000, 'b', now);
      const other = new Lease(storage, 'other-job', 10_000, 'b', now);
      assert.equal(await a.hold(), true);
      assert.equal(await other.hold(), true);
      await a.release();
      assert.equal(await b.hold(), true);
    });
  });
}
