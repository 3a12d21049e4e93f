import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { idempotencyKey } from '../../src/engine/keyspace.js';
import { IDEMPOTENCY_WINDOW_MS, PURGE_BATCH, readIdempotencyRecord, writeIdempotencyRecord, type IdempotencyClaim } from '../../src/engine/idempotency.js';

const claim = (token: string, now: number): IdempotencyClaim => ({ key: idempotencyKey('000000000000', 'us-east-1', token), fingerprint: token, now });

async function recordCount(storage: ReturnType<typeof createMemoryStorage>): Promise<number> {
  const prefix = idempotencyKey('', '', '').subarray(0, 1);
  return storage.read((tx) => [...tx.range({ start: prefix, end: new Uint8Array([(prefix[0] as number) + 1]) })].length);
}

test('writing a record deletes expired records near it, keeping live ones', async () => {
  const storage = createMemoryStorage();
  await storage.write((tx) => {
    for (let i = 0; i < 4; i++) writeIdempotencyRecord(tx, claim(`old-${i}`, 0), []);
  });
  const later = IDEMPOTENCY_WINDOW_MS + 1;
  await storage.write((tx) => writeIdempotencyRecord(tx, claim('live', later - 1), []));
  await storage.write((tx) => writeIdempotencyRecord(tx, claim('new', later), []));
  assert.equal(await recordCount(storage), 2);
  await storage.read((tx) => {
    assert.deepEqual(readIdempotencyRecord(tx, claim('live', later)), []);
    assert.deepEqual(readIdempotencyRecord(tx, claim('new', later)), []);
  });
});

test('each write purges at most a bounded number, and repeated writes purge them all', async () => {
  const storage = createMemoryStorage();
  const expired = 3 * PURGE_BATCH;
  await storage.write((tx) => {
    for (let i = 0; i < expired; i++) writeIdempotencyRecord(tx, claim(`old-${String(i).padStart(3, '0')}`, 0), []);
  });
  const now = IDEMPOTENCY_WINDOW_MS + 1;
  await storage.write((tx) => writeIdempotencyRecord(tx, claim('new-0', now), []));
  assert.equal(await recordCount(storage), expired - PURGE_BATCH + 1);
  for (let i = 1; i < 4; i++) await storage.write((tx) => writeIdempotencyRecord(tx, claim(`new-${i}`, now), []));
  assert.equal(await recordCount(storage), 4);
});
