/**
 * A fresh store of each backend for tests below the server: memory, LMDB in
 * a temporary folder, or a schema of its own on the tests' PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../../src/storage/storage.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';
import { freshPostgresUrl } from './postgres.js';
import type { Backend } from './harness.js';

export async function openTestStorage(kind: Backend): Promise<{ storage: Storage; cleanup(): Promise<void> }> {
  if (kind === 'memory') {
    const storage = createMemoryStorage();
    return { storage, cleanup: () => storage.close() };
  }
  if (kind === 'postgres') {
    const storage = await openPostgresStorage({ url: await freshPostgresUrl() });
    return { storage, cleanup: () => storage.close() };
  }
  const path = mkdtempSync(join(tmpdir(), 'dynalith-test-'));
  const storage = await openLmdbStorage({ path });
  return {
    storage,
    async cleanup() {
      await storage.close();
      rmSync(path, { recursive: true, force: true });
    },
  };
}
