/**
 * LMDB on a full disk: a commit that cannot be written rejects every write of
 * its group commit with a StorageFault, nothing rejects unhandled, reads and
 * (while LMDB can reuse freed pages) deletes still work, and once space
 * returns writes succeed again, with everything acknowledged still there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { StorageFault } from '../../src/storage/faults.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

const key = (n: number): Uint8Array => new TextEncoder().encode(`k${String(n).padStart(6, '0')}`);
const value = (n: number): Uint8Array => new Uint8Array(3000).fill(n % 251);

test('LMDB: a full disk fails whole group commits, handled, and the store recovers', async (t) => {
  const tmpfs = mountTmpfs(4 * 1024 * 1024);
  if (typeof tmpfs === 'string') return t.skip(tmpfs);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const path = join(tmpfs.path, 'data');
    let storage = await openLmdbStorage({ path });
    await storage.write((tx) => tx.put(key(0), value(0)));
    tmpfs.fill(256 * 1024);

    const acknowledged: number[] = [];
    let failedGroup: PromiseSettledResult<unknown>[] | undefined;
    for (let n = 1; failedGroup === undefined; n += 8) {
      // Eight writes issued in one turn share one commit.
      const group = Array.from({ length: 8 }, (_, i) => storage.write((tx) => tx.put(key(n + i), value(n + i))));
      const settled = await Promise.allSettled(group);
      if (settled.some((s) => s.status === 'rejected')) failedGroup = settled;
      else acknowledged.push(...settled.map((_, i) => n + i));
      assert.ok(n < 1000, 'the disk never filled');
    }
    assert.ok(acknowledged.length > 0);
    for (const outcome of failedGroup) {
      assert.equal(outcome.status, 'rejected', 'one failed commit fails every write in it');
      assert.ok(outcome.reason instanceof StorageFault, String(outcome.reason));
      assert.match(outcome.reason.message, /commit to the data file failed/);
    }

    assert.deepEqual(await storage.get(key(acknowledged[0]!)), value(acknowledged[0]!));
    assert.equal(await storage.read((tx) => [...tx.range({})].length), acknowledged.length + 1);
    const deleted = acknowledged.splice(0, 4);
    for (const n of deleted) await storage.write((tx) => tx.delete(key(n)));

    tmpfs.free();
    const late = acknowledged.at(-1)! + 100;
    await Promise.all(Array.from({ length: 8 }, (_, i) => storage.write((tx) => tx.put(key(late + i), value(late + i)))));
    acknowledged.push(...Array.from({ length: 8 }, (_, i) => late + i));
    await storage.close();

    storage = await openLmdbStorage({ path });
    const stored = await storage.read((tx) => [...tx.range({})].map((e) => new TextDecoder().decode(e.key)));
    assert.deepEqual(stored, [0, ...acknowledged].map((n) => new TextDecoder().decode(key(n))));
    await storage.close();
    // Let any rejection nobody handled surface before looking.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    tmpfs.unmount();
  }
});
