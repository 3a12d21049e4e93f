/**
 * Encryption at rest below the API: the sealed value format, data key
 * wrapping and rotation, and the encrypting storage layer over a real store.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { EncryptingStorage } from '../../src/security/encryption/encrypting-storage.js';
import { MasterKeys, parseKeyFile } from '../../src/security/encryption/master-keys.js';
import { isSealed, open, seal, sealedOwner, unwrap, wrap } from '../../src/security/encryption/value-cipher.js';
import { BACKUP_KEY, DATA_KEY_RECORDS, declareBackupEncryption, declareOverlayEncryption, declareTableEncryption, encryptionKey, forgetOverlayEncryption, INDEX_KEY } from '../../src/security/encryption/encryption-records.js';
import { overlayPrefix } from '../../src/features/pitr/point-in-time.js';
import { itemPrefix, indexPrefix } from '../../src/engine/keyspace.js';
import type { TableRecord } from '../../src/engine/table.js';
import type { Storage } from '../../src/storage/storage.js';

const ARN = 'arn:aws:kms:us-east-1:000000000000:key/test-key';
const text = new TextEncoder();

function keyFile(material: Buffer, options: { enabled?: boolean; previous?: Buffer[] } = {}): string {
  return JSON.stringify({ keys: [{ id: 'test-key', material: material.toString('base64'), enabled: options.enabled ?? true, previous: (options.previous ?? []).map((m) => m.toString('base64')) }] });
}

function table(id: number, master: string | null, indexIds: number[] = []): TableRecord {
  return {
    id,
    LocalSecondaryIndexes: [],
    GlobalSecondaryIndexes: indexIds.map((indexId) => ({ id: indexId })),
    ...(master === null ? {} : { SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: master } }),
  } as unknown as TableRecord;
}

function itemKey(tableId: number, suffix: string): Uint8Array {
  return Uint8Array.from([...itemPrefix(tableId), ...text.encode(suffix)]);
}

async function raw(inner: Storage, key: Uint8Array): Promise<Uint8Array | undefined> {
  return inner.get(key);
}

describe('sealed values', () => {
  test('round trip, with the storage key bound as additional data', () => {
    const dataKey = randomBytes(32);
    const key = itemKey(7, 'a');
    const sealed = seal(dataKey, 7, key, text.encode('secret value'));
    assert.ok(isSealed(sealed));
    assert.equal(sealedOwner(sealed), 7);
    assert.ok(!Buffer.from(sealed).includes('secret value'));
    assert.equal(Buffer.from(open(dataKey, key, sealed)).toString(), 'secret value');
    assert.throws(() => open(dataKey, itemKey(7, 'b'), sealed), 'a value moved under another key does not open');
    const tampered = Uint8Array.from(sealed);
    tampered[20]! ^= 1;
    assert.throws(() => open(dataKey, key, tampered));
    assert.throws(() => open(randomBytes(32), key, sealed));
  });

  test('plain values of the sealed kinds never look sealed', () => {
    assert.ok(!isSealed(Uint8Array.from([0, 0, 1, 0, ...text.encode('{"a":{"S":"x"}}'.padEnd(40))])));
    assert.ok(!isSealed(text.encode('{"sequence":1,"old":null,"new":null,"padding":"....."}')));
  });

  test('a wrapped data key opens under its material only', () => {
    const material = randomBytes(32);
    const dataKey = randomBytes(32);
    const wrapped = wrap(material, dataKey);
    assert.deepEqual(Buffer.from(unwrap(material, wrapped)), dataKey);
    assert.throws(() => unwrap(randomBytes(32), wrapped));
  });

  test('key files: bad material is refused', () => {
    assert.throws(() => parseKeyFile(JSON.stringify({ keys: [{ id: 'k', material: Buffer.alloc(16).toString('base64') }] })), /32 bytes/);
    assert.throws(() => parseKeyFile('{"keys": 1}'), /expected/);
    const [key] = parseKeyFile(keyFile(randomBytes(32)));
    assert.ok(new MasterKeys([key!]).usable(ARN));
    assert.equal(new MasterKeys([key!]).usable('arn:aws:kms:us-east-1:000000000000:key/other'), undefined);
  });
});

describe('the encrypting storage', () => {
  async function setUp(material = randomBytes(32)) {
    const inner = createMemoryStorage();
    const keys = new MasterKeys(parseKeyFile(keyFile(material)));
    const storage = new EncryptingStorage(inner, keys);
    await storage.write((tx) => {
      declareTableEncryption(tx, undefined, table(1, ARN, [2]));
      declareTableEncryption(tx, undefined, table(3, null));
      declareBackupEncryption(tx, 9, table(1, ARN));
    });
    return { inner, keys, storage, material };
  }

  test('seals values of encrypted tables, their indexes and backups; leaves plain tables plain', async () => {
    const { inner, storage } = await setUp();
    const value = text.encode('distinctive-value');
    const indexKey = Uint8Array.from([...indexPrefix(2), 1]);
    const backupKey = Uint8Array.from([0x51, 0, 0, 0, 9, 1]);
    await storage.write((tx) => {
      tx.put(itemKey(1, 'a'), value);
      tx.put(indexKey, value);
      tx.put(backupKey, value);
      tx.put(itemKey(3, 'a'), value);
    });
    for (const key of [itemKey(1, 'a'), indexKey, backupKey]) {
      assert.ok(isSealed((await raw(inner, key))!), 'sealed at rest');
      assert.deepEqual(await storage.get(key), value, 'opened on read');
    }
    assert.deepEqual(await raw(inner, itemKey(3, 'a')), value, 'an unencrypted table stays plain');
    const seen = await storage.read((tx) => [...tx.range({ start: itemPrefix(1), end: itemPrefix(2) })].map((e) => Buffer.from(e.value).toString()));
    assert.deepEqual(seen, ['distinctive-value']);
    assert.ok(await storage.read((tx) => tx.get(encryptionKey(INDEX_KEY, 2))) !== undefined);
    assert.ok(await storage.read((tx) => tx.get(encryptionKey(BACKUP_KEY, 9))) !== undefined);
  });

  test('point-in-time overlays, of restores and of exports, are sealed under their source table\'s key', async () => {
    const { inner, storage } = await setUp();
    const value = text.encode('overlay-value');
    for (const owner of [{ kind: 'restore', id: 40 }, { kind: 'export', id: 7 }] as const) {
      const key = Uint8Array.from([...overlayPrefix(owner), 9]);
      const id = new DataView(key.buffer).getUint32(1);
      await storage.write((tx) => declareOverlayEncryption(tx, id, 1));
      await storage.write((tx) => tx.put(key, value));
      assert.ok(isSealed((await raw(inner, key))!), `${owner.kind} overlay sealed`);
      assert.equal(sealedOwner((await raw(inner, key))!), 1, 'under the source table\'s key');
      assert.deepEqual(await storage.get(key), value);
      await storage.write((tx) => forgetOverlayEncryption(tx, id));
      await storage.write((tx) => tx.put(key, value));
      assert.deepEqual(await raw(inner, key), value, 'an overlay declared for no table stays plain');
    }
    const plainSource = Uint8Array.from([...overlayPrefix({ kind: 'export', id: 8 }), 9]);
    await storage.write((tx) => declareOverlayEncryption(tx, new DataView(plainSource.buffer).getUint32(1), 3));
    await storage.write((tx) => tx.put(plainSource, value));
    assert.deepEqual(await raw(inner, plainSource), value, 'an unencrypted source\'s overlay stays plain');
  });

  test('values written before the table was encrypted stay readable', async () => {
    const { storage } = await setUp();
    await storage.write((tx) => tx.put(itemKey(5, 'old'), text.encode('plain')));
    await storage.write((tx) => declareTableEncryption(tx, table(5, null), table(5, ARN)));
    await storage.write((tx) => tx.put(itemKey(5, 'new'), text.encode('sealed')));
    assert.equal(Buffer.from((await storage.get(itemKey(5, 'old')))!).toString(), 'plain');
    assert.equal(Buffer.from((await storage.get(itemKey(5, 'new')))!).toString(), 'sealed');
  });

  test('a disabled master key stops reads and writes until it is back', async () => {
    const { storage, keys, material } = await setUp();
    await storage.write((tx) => tx.put(itemKey(1, 'a'), text.encode('v')));
    keys.replace(parseKeyFile(keyFile(material, { enabled: false })));
    await assert.rejects(storage.get(itemKey(1, 'a')), { type: 'AccessDeniedException' });
    await assert.rejects(storage.write((tx) => tx.put(itemKey(1, 'b'), text.encode('v'))), { type: 'AccessDeniedException' });
    keys.replace(parseKeyFile(keyFile(material)));
    assert.equal(Buffer.from((await storage.get(itemKey(1, 'a')))!).toString(), 'v');
  });

  test('rotation re-wraps the data keys and leaves the items as they are', async () => {
    const { inner, storage, keys, material } = await setUp();
    await storage.write((tx) => tx.put(itemKey(1, 'a'), text.encode('kept')));
    const sealedBefore = await raw(inner, itemKey(1, 'a'));
    const recordBefore = await raw(inner, encryptionKey(0x10, 1));
    const next = randomBytes(32);
    keys.replace(parseKeyFile(keyFile(next, { previous: [material] })));
    assert.equal(await storage.rewrap(), 1);
    assert.equal(await storage.rewrap(), 0, 'nothing left to re-wrap');
    assert.notDeepEqual(await raw(inner, encryptionKey(0x10, 1)), recordBefore);
    assert.deepEqual(await raw(inner, itemKey(1, 'a')), sealedBefore, 'items are not rewritten');
    keys.replace(parseKeyFile(keyFile(next)));
    assert.equal(Buffer.from((await storage.get(itemKey(1, 'a')))!).toString(), 'kept', 'readable without the old material');
    const records = await inner.read((tx) => [...tx.range(DATA_KEY_RECORDS)].length);
    assert.equal(records, 1);
  });
});
