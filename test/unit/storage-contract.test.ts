/**
 * The contract every Storage backend must pass, run once per backend.
 */

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bytes, Entry, RangeOptions, ReadTransaction, Storage } from '../../src/storage/storage.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { openLmdbStorage } from '../../src/storage/lmdb.js';
import { EncryptingStorage } from '../../src/security/encryption/encrypting-storage.js';
import { MasterKeys } from '../../src/security/encryption/master-keys.js';
import { compareBytes } from '../../src/storage/bytes.js';
import { openPostgresStorage } from '../../src/storage/postgres.js';
import { freshPostgresUrl, postgresUrl } from '../helpers/postgres.js';
import { prng } from '../helpers/random.js';

interface Backend {
  readonly name: string;
  /** Opens the backend's store for the current test; reopening an LMDB path keeps its data. */
  open(): Promise<Storage>;
}

let dir = '';
/** The current test's PostgreSQL schema, made on its first open. */
let pgUrl: string | undefined;

const backends: Backend[] = [
  { name: 'memory', open: async () => createMemoryStorage() },
  { name: 'lmdb', open: () => openLmdbStorage({ path: join(dir, 'data') }) },
  { name: 'encrypting over lmdb', open: async () => new EncryptingStorage(await openLmdbStorage({ path: join(dir, 'data') }), new MasterKeys([])) },
  ...(postgresUrl === undefined ? [] : [{ name: 'postgres', open: async () => openPostgresStorage({ url: (pgUrl ??= await freshPostgresUrl()) }) }]),
];

const b = (...bytes: number[]): Bytes => Uint8Array.from(bytes);
const hex = (bytes: Bytes): string => Buffer.from(bytes).toString('hex');
const text = (s: string): Bytes => new TextEncoder().encode(s);
const pairs = (entries: Iterable<Entry>): string[][] => [...entries].map((e) => [hex(e.key), hex(e.value)]);
const keysOf = (entries: Iterable<Entry>): string[] => [...entries].map((e) => hex(e.key));

async function putAll(storage: Storage, keys: Bytes[]): Promise<void> {
  await storage.write((tx) => {
    for (const key of keys) tx.put(key, key);
  });
}


beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dynalith-storage-'));
  pgUrl = undefined;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

for (const backend of backends) {
  describe(`Storage contract: ${backend.name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await backend.open();
    });

    afterEach(async () => {
      await storage.close();
    });

    test('get, put, overwrite, delete and empty values', async () => {
      assert.equal(await storage.get(text('a')), undefined);
      await storage.write((tx) => tx.put(text('a'), text('one')));
      assert.deepEqual(await storage.get(text('a')), text('one'));
      await storage.write((tx) => tx.put(text('a'), text('two')));
      assert.deepEqual(await storage.get(text('a')), text('two'));
      await storage.write((tx) => tx.put(text('e'), new Uint8Array(0)));
      assert.equal((await storage.get(text('e')))?.length, 0);
      await storage.write((tx) => tx.delete(text('a')));
      assert.equal(await storage.get(text('a')), undefined);
      await storage.write((tx) => tx.delete(text('never-there')));
      assert.equal(await storage.read((tx) => keysOf(tx.range({})).length), 1);
    });

    test('write returns the callback result', async () => {
      assert.equal(await storage.write(() => 42), 42);
      assert.deepEqual(await storage.read(() => ({ ok: true })), { ok: true });
    });

    test('stored bytes are copies: later mutation of the caller buffers changes nothing', async () => {
      const key = b(1, 2);
      const value = b(9, 9);
      await storage.write((tx) => tx.put(key, value));
      key[0] = 7;
      value[0] = 0;
      assert.deepEqual(await storage.get(b(1, 2)), b(9, 9));
    });

    test('keys sort as unsigned bytes, 0x00/0xFF bytes and prefixes included', async () => {
      const keys = [b(0xff), b(0x00), b(0x01, 0x00), b(0x00, 0x00), b(0x80), b(0x01), b(0x7f), b(0xff, 0xff), b(0x01, 0xff), b(0x00, 0xff, 0x00)];
      await putAll(storage, keys);
      const sorted = [...keys].sort(compareBytes).map(hex);
      assert.deepEqual(sorted, ['00', '0000', '00ff00', '01', '0100', '01ff', '7f', '80', 'ff', 'ffff']);
      assert.deepEqual(await storage.read((tx) => keysOf(tx.range({}))), sorted);
      assert.deepEqual(await storage.read((tx) => keysOf(tx.range({ reverse: true }))), [...sorted].reverse());
      for (const key of keys) assert.deepEqual(await storage.get(key), key);
    });

    test('range bounds: inclusive start, exclusive end, absent bound keys, reverse, limit', async () => {
      await putAll(storage, [b(1), b(2), b(2, 0), b(3), b(4), b(5)]);
      const range = (options: RangeOptions) => storage.read((tx) => keysOf(tx.range(options)));
      assert.deepEqual(await range({ start: b(2), end: b(4) }), ['02', '0200', '03']);
      assert.deepEqual(await range({ start: b(2), end: b(4), reverse: true }), ['03', '0200', '02']);
      assert.deepEqual(await range({ start: b(2, 0), end: b(2, 0) }), []);
      assert.deepEqual(await range({ start: b(2, 0), end: b(2, 0, 0) }), ['0200']);
      assert.deepEqual(await range({ start: b(2, 0), end: b(2, 0, 0), reverse: true }), ['0200']);
      assert.deepEqual(await range({ start: b(1, 5), end: b(3, 9) }), ['02', '0200', '03']);
      assert.deepEqual(await range({ start: b(1, 5), end: b(3, 9), reverse: true }), ['03', '0200', '02']);
      assert.deepEqual(await range({ start: b(3) }), ['03', '04', '05']);
      assert.deepEqual(await range({ end: b(3) }), ['01', '02', '0200']);
      assert.deepEqual(await range({ start: b(3), reverse: true }), ['05', '04', '03']);
      assert.deepEqual(await range({ end: b(3), reverse: true }), ['0200', '02', '01']);
      assert.deepEqual(await range({ start: b(6) }), []);
      assert.deepEqual(await range({ end: b(1), reverse: true }), []);
      assert.deepEqual(await range({ start: b(4), end: b(2) }), []);
      assert.deepEqual(await range({ limit: 2 }), ['01', '02']);
      assert.deepEqual(await range({ limit: 2, reverse: true }), ['05', '04']);
      assert.deepEqual(await range({ start: b(2), end: b(5), limit: 2, reverse: true }), ['04', '03']);
      assert.deepEqual(await range({ limit: 0 }), []);
      assert.deepEqual(await range({ limit: 100 }), ['01', '02', '0200', '03', '04', '05']);
    });

    test('range entries stay valid after iteration moves on', async () => {
      await storage.write((tx) => {
        for (let i = 0; i < 50; i++) tx.put(b(10, i), b(i, i, i));
      });
      const entries = await storage.read((tx) => [...tx.range({})]);
      assert.equal(entries.length, 50);
      entries.forEach((entry, i) => {
        assert.deepEqual(Uint8Array.from(entry.key), b(10, i));
        assert.deepEqual(Uint8Array.from(entry.value), b(i, i, i));
      });
    });

    test('a range iterable can be walked twice and abandoned midway', async () => {
      await putAll(storage, [b(1), b(2), b(3)]);
      const seen = await storage.read((tx) => {
        const all = tx.range({});
        for (const entry of all) {
          assert.equal(hex(entry.key), '01');
          break;
        }
        const iterator = all[Symbol.iterator]();
        iterator.next();
        return keysOf(all);
      });
      assert.deepEqual(seen, ['01', '02', '03']);
    });

    test('read-your-writes inside write(), merged into ranges both ways', async () => {
      await putAll(storage, [b(1), b(3), b(5)]);
      const inside = await storage.write((tx) => {
        tx.put(b(2), b(22));
        tx.put(b(3), b(33));
        tx.delete(b(5));
        tx.put(b(6), b(66));
        tx.delete(b(6));
        tx.put(b(7), b(77));
        return {
          got: [tx.get(b(2)), tx.get(b(3)), tx.get(b(5)), tx.get(b(6))].map((v) => (v ? hex(v) : null)),
          forward: pairs(tx.range({})),
          reverse: keysOf(tx.range({ reverse: true })),
          limited: keysOf(tx.range({ start: b(2), limit: 2 })),
          limitedReverse: keysOf(tx.range({ end: b(7), reverse: true, limit: 2 })),
        };
      });
      assert.deepEqual(inside.got, ['16', '21', null, null]);
      assert.deepEqual(inside.forward, [['01', '01'], ['02', '16'], ['03', '21'], ['07', '4d']]);
      assert.deepEqual(inside.reverse, ['07', '03', '02', '01']);
      assert.deepEqual(inside.limited, ['02', '03']);
      assert.deepEqual(inside.limitedReverse, ['03', '02']);
      assert.deepEqual(await storage.read((tx) => pairs(tx.range({}))), inside.forward);
    });

    test('deleting every key while walking a range inside write() visits each once', async () => {
      const keys = Array.from({ length: 300 }, (_, i) => b(i >> 8, i & 0xff));
      await putAll(storage, keys);
      const visited = await storage.write((tx) => {
        tx.put(b(0, 0, 1), b(1));
        const seen: string[] = [];
        for (const entry of tx.range({})) {
          seen.push(hex(entry.key));
          tx.delete(entry.key);
        }
        return seen;
      });
      assert.equal(visited.length, 301);
      assert.equal(new Set(visited).size, 301);
      assert.deepEqual(await storage.read((tx) => keysOf(tx.range({}))), []);
    });

    test('a throwing callback rejects with its error and leaves nothing behind', async () => {
      await storage.write((tx) => tx.put(b(1), b(1)));
      const failure = new Error('changed my mind');
      await assert.rejects(
        storage.write((tx) => {
          tx.put(b(1), b(99));
          tx.put(b(2), b(2));
          tx.delete(b(1));
          throw failure;
        }),
        (error) => error === failure,
      );
      assert.deepEqual(await storage.read((tx) => pairs(tx.range({}))), [['01', '01']]);
    });

    test('a throwing callback batched with successful ones aborts alone', async () => {
      const results = await Promise.allSettled([
        storage.write((tx) => tx.put(b(1), b(1))),
        storage.write((tx) => {
          tx.put(b(2), b(2));
          tx.delete(b(1));
          throw new Error('abort me');
        }),
        storage.write((tx) => {
          tx.put(b(3), b(3));
          return tx.get(b(2)) === undefined;
        }),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((results[2] as PromiseFulfilledResult<boolean>).value, true);
      assert.deepEqual(await storage.read((tx) => keysOf(tx.range({}))), ['01', '03']);
    });

    test('an asynchronous callback is refused and applies nothing', async () => {
      await assert.rejects(
        storage.write(async (tx) => tx.put(b(1), b(1))),
        /must be synchronous/,
      );
      assert.equal(await storage.get(b(1)), undefined);
    });

    test('invalid keys are refused and abort the transaction', async () => {
      await assert.rejects(storage.write((tx) => {
        tx.put(b(1), b(1));
        tx.put(new Uint8Array(0), b(1));
      }), /must not be empty/);
      await assert.rejects(storage.write((tx) => tx.put(new Uint8Array(1979), b(1))), /exceeds the 1978-byte limit/);
      await storage.write((tx) => tx.put(new Uint8Array(1978).fill(7), b(1)));
      assert.deepEqual(await storage.read((tx) => keysOf(tx.range({})).map((k) => k.length)), [3956]);
    });

    test('concurrent writes are all applied and serialised', async () => {
      const counter = text('counter');
      const writers = Array.from({ length: 200 }, (_, i) =>
        storage.write((tx) => {
          const current = tx.get(counter);
          const next = (current === undefined ? 0 : new DataView(current.buffer, current.byteOffset).getUint32(0)) + 1;
          const bytes = new Uint8Array(4);
          new DataView(bytes.buffer).setUint32(0, next);
          tx.put(counter, bytes);
          tx.put(b(1, i >> 8, i & 0xff), b(i & 0xff));
          return next;
        }),
      );
      const results = await Promise.all(writers);
      assert.deepEqual([...results].sort((x, y) => x - y), Array.from({ length: 200 }, (_, i) => i + 1));
      const stored = await storage.get(counter);
      assert.equal(new DataView(stored!.buffer, stored!.byteOffset).getUint32(0), 200);
      assert.equal(await storage.read((tx) => keysOf(tx.range({ start: b(1), end: b(2) })).length), 200);
    });

    test('reads see one snapshot while transfers commit around them', async () => {
      const accounts = 20;
      await storage.write((tx) => {
        for (let i = 0; i < accounts; i++) tx.put(b(5, i), b(100));
      });
      const random = prng(7);
      const total = (tx: ReadTransaction): number => {
        let sum = 0;
        for (const entry of tx.range({ start: b(5), end: b(6) })) sum += entry.value[0]!;
        for (let i = 0; i < accounts; i++) sum += 0 * tx.get(b(5, i))![0]!;
        return sum;
      };
      const work: Promise<unknown>[] = [];
      for (let round = 0; round < 300; round++) {
        const from = Math.floor(random() * accounts);
        const to = Math.floor(random() * accounts);
        work.push(
          storage.write((tx) => {
            const a = tx.get(b(5, from))![0]!;
            if (a === 0 || from === to) return;
            const c = tx.get(b(5, to))![0]!;
            if (c === 255) return;
            tx.put(b(5, from), b(a - 1));
            tx.put(b(5, to), b(c + 1));
          }),
        );
        if (round % 10 === 0) work.push(storage.read(total).then((sum) => assert.equal(sum, accounts * 100)));
        if (round % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(work);
      assert.equal(await storage.read(total), accounts * 100);
    });

    test('transaction objects and ranges cannot be used after the callback returns', async () => {
      await putAll(storage, [b(1), b(2)]);
      const escaped = await storage.read((tx) => ({ tx, range: tx.range({}) }));
      assert.throws(() => escaped.tx.get(b(1)), /already finished/);
      assert.throws(() => [...escaped.range], /already finished/);
      const half = await storage.read((tx) => {
        const iterator = tx.range({})[Symbol.iterator]();
        iterator.next();
        return iterator;
      });
      assert.throws(() => half.next(), /already finished/);
      const halfWrite = await storage.write((tx) => {
        const iterator = tx.range({})[Symbol.iterator]();
        iterator.next();
        tx.put(b(9), b(9));
        return iterator;
      });
      assert.throws(() => halfWrite.next(), /already finished/);
      assert.deepEqual(await storage.get(b(9)), b(9));
      const writeTx = await storage.write((tx) => tx);
      assert.throws(() => writeTx.put(b(3), b(3)), /already finished/);
      assert.equal(await storage.get(b(3)), undefined);
    });

    test('close waits for pending writes, then refuses work', async () => {
      const pending = storage.write((tx) => tx.put(b(1), b(1)));
      await storage.close();
      await pending;
      await assert.rejects(storage.write((tx) => tx.put(b(2), b(2))), /closed/);
      await assert.rejects(storage.get(b(1)), /closed/);
      await assert.rejects(storage.read(() => 1), /closed/);
      await storage.close();
      storage = await backend.open();
    });

    test('randomized transactions agree with a reference model', async () => {
      const random = prng(20240611);
      const model = new Map<string, Bytes>();
      const alphabet = [0x00, 0x01, 0x7f, 0x80, 0xff];
      const randomKey = (): Bytes => Uint8Array.from({ length: 1 + Math.floor(random() * 3) }, () => alphabet[Math.floor(random() * alphabet.length)]!);
      const modelRange = (state: Map<string, Bytes>, options: RangeOptions): string[][] => {
        const keys = [...state.keys()]
          .map((k) => Buffer.from(k, 'hex'))
          .filter((k) => (!options.start || compareBytes(k, options.start) >= 0) && (!options.end || compareBytes(k, options.end) < 0))
          .sort(compareBytes);
        if (options.reverse) keys.reverse();
        return keys.slice(0, options.limit ?? keys.length).map((k) => [hex(k), hex(state.get(hex(k))!)]);
      };
      const randomRange = (): RangeOptions => {
        const options: { start?: Bytes; end?: Bytes; reverse?: boolean; limit?: number } = {};
        if (random() < 0.7) options.start = randomKey();
        if (random() < 0.7) options.end = randomKey();
        if (random() < 0.5) options.reverse = true;
        if (random() < 0.3) options.limit = Math.floor(random() * 6);
        return options;
      };
      for (let round = 0; round < 150; round++) {
        for (let t = 0, n = 1 + Math.floor(random() * 4); t < n; t++) {
          const abort = random() < 0.25;
          const ops = Array.from({ length: 1 + Math.floor(random() * 8) }, () => ({
            kind: random(),
            key: randomKey(),
            value: Uint8Array.from({ length: Math.floor(random() * 3) }, () => Math.floor(random() * 256)),
            range: randomRange(),
          }));
          // One at a time, and the model follows only a committed write: a backend may run a callback more than once.
          await storage
              .write((tx) => {
                const local = new Map(model);
                for (const op of ops) {
                  if (op.kind < 0.45) {
                    tx.put(op.key, op.value);
                    local.set(hex(op.key), op.value);
                  } else if (op.kind < 0.7) {
                    tx.delete(op.key);
                    local.delete(hex(op.key));
                  } else if (op.kind < 0.85) {
                    const got = tx.get(op.key);
                    assert.equal(got === undefined ? undefined : hex(got), local.has(hex(op.key)) ? hex(local.get(hex(op.key))!) : undefined);
                  } else {
                    assert.deepEqual(pairs(tx.range(op.range)), modelRange(local, op.range));
                  }
                }
                if (abort) throw new Error('abort');
                return local;
              })
              .then(
                (local) => {
                  model.clear();
                  for (const [k, v] of local) model.set(k, v);
                },
                (error: Error) => assert.equal(error.message, 'abort'),
              );
        }
        const options = randomRange();
        assert.deepEqual(await storage.read((tx) => pairs(tx.range(options))), modelRange(model, options), `round ${round}`);
      }
      assert.deepEqual(await storage.read((tx) => pairs(tx.range({}))), modelRange(model, {}));
    });
  });
}

describe('LMDB storage specifics', () => {
  test('data survives close and reopen', async () => {
    const path = join(dir, 'data');
    const first = await openLmdbStorage({ path });
    await first.write((tx) => {
      tx.put(b(1), text('kept'));
      tx.put(b(2), text('gone'));
    });
    await first.write((tx) => tx.delete(b(2)));
    await first.close();
    const second = await openLmdbStorage({ path });
    try {
      assert.deepEqual(await second.read((tx) => pairs(tx.range({}))), [['01', hex(text('kept'))]]);
    } finally {
      await second.close();
    }
  });

  test('a path with a dot is still a directory', async () => {
    const storage = await openLmdbStorage({ path: join(dir, 'tables.db') });
    await storage.write((tx) => tx.put(b(1), b(1)));
    await storage.close();
    const reopened = await openLmdbStorage({ path: join(dir, 'tables.db') });
    assert.deepEqual(await reopened.get(b(1)), b(1));
    await reopened.close();
  });

  test('open errors reject with one clear line naming the path', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a database');
    for (const path of [file, join(file, 'below')]) {
      await assert.rejects(openLmdbStorage({ path }), (error: Error) => {
        assert.match(error.message, /^Cannot open LMDB storage at .+: .+$/);
        assert.ok(error.message.includes(path));
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    }
  });
});
