/**
 * kill -9 in the middle of a write storm: every write() that resolved must be
 * there after reopening, and no transaction may be half there. This file is
 * also the child process it kills (selected by an environment variable).
 * A process kill cannot tell a commit from an fsync (the page cache
 * survives), so this checks acknowledgement-after-commit and atomicity; the
 * fsync itself is the overlappingSync choice documented in lmdb.ts.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLmdbStorage } from '../../src/storage/lmdb.js';

const CHILD_PATH = 'DYNALITH_CRASH_CHILD_PATH';
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const itemKey = (n: number): Uint8Array => encode(`item/${String(n).padStart(8, '0')}`);
const indexKey = (n: number): Uint8Array => encode(`index/${String(n).padStart(8, '0')}`);

/** Writes item+index pairs from 32 writers forever, printing each acknowledged number. */
async function runChild(path: string): Promise<void> {
  const storage = await openLmdbStorage({ path });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (;;) {
        const n = next++;
        await storage.write((tx) => {
          tx.put(itemKey(n), encode(`value ${n}`));
          tx.put(indexKey(n), itemKey(n));
        });
        process.stdout.write(`${n}\n`);
      }
    }),
  );
}

const childPath = process.env[CHILD_PATH];
if (childPath !== undefined) {
  await runChild(childPath);
} else {
  test('LMDB: acknowledged writes survive kill -9, transactions stay whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynalith-crash-'));
    try {
      const acknowledged = await new Promise<number[]>((resolve, reject) => {
        const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
          env: { ...process.env, [CHILD_PATH]: dir },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const acks: number[] = [];
        let buffered = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) acks.push(Number(line));
          if (acks.length >= 2000 && !child.killed) child.kill('SIGKILL');
        });
        child.on('error', reject);
        child.on('exit', (_code, signal) => {
          if (signal === 'SIGKILL') resolve(acks);
          else reject(new Error(`child exited without being killed (${String(signal)})`));
        });
      });
      assert.ok(acknowledged.length >= 2000);
      const storage = await openLmdbStorage({ path: dir });
      try {
        const [items, indexes] = await storage.read((tx) => [
          [...tx.range({ start: encode('item/'), end: encode('item0') })].map((e) => new TextDecoder().decode(e.key)),
          [...tx.range({ start: encode('index/'), end: encode('index0') })].map((e) => new TextDecoder().decode(e.value)),
        ]);
        const present = new Set(items);
        for (const n of acknowledged) assert.ok(present.has(`item/${String(n).padStart(8, '0')}`), `acknowledged ${n} lost`);
        assert.deepEqual(indexes.sort(), [...items].sort());
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
