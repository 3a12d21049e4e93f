/**
 * Encryption at rest as a layer over any Storage: inside each transaction it
 * seals the values of encrypted tables as they are put and opens them as they
 * are read, so the engine above and the backend below know nothing of it.
 *
 * What is sealed: item values (`0x10`), index entries (`0x11`), change-log
 * records, which are also the stream records (`0x21`), backup and PITR base
 * items (`0x51`) and point-in-time restore overlays (`0x5a`). Keys stay in
 * the clear: the backends order and range over them (docs/architecture.md,
 * "Encryption at rest"). Which data key seals a value is decided by its key's
 * owner (the table, or the table its index or backup belongs to; see
 * encryption-records.ts), read in the same transaction, so every process of a
 * shared store agrees; a sealed value names the table whose key sealed it,
 * so it opens whatever its key's owner is now.
 *
 * Callbacks stay synchronous and pure: the ciphers are synchronous, the
 * records they need are read through the transaction, and the only memory
 * kept is unwrapped data keys by their wrapped bytes (a pure function's
 * memo). A random IV differs between runs of a callback, but a backend keeps
 * only one run's writes.
 */
import { DynamoError } from '../../protocol/errors.js';
import type { Bytes, Entry, RangeOptions, ReadTransaction, Storage, WriteTransaction } from '../../storage/storage.js';
import { BACKUP_PREFIX, CHANGE_LOG_PREFIX, PITR_OVERLAY_PREFIX } from '../../engine/keyspace.js';
import type { MasterKey, MasterKeys } from './master-keys.js';
import {
  BACKUP_KEY,
  DATA_KEY_RECORDS,
  encodeDataKeyRecord,
  encryptionKey,
  INDEX_KEY,
  isDataKeyRecord,
  OVERLAY_KEY,
  isKeyed,
  parseDataKeyRecord,
  readTableOf,
  TABLE_KEY,
  type DataKeyDeclaration,
  type DataKeyRecord,
} from './encryption-records.js';
import { fingerprint, isSealed, newDataKey, open, seal, sealedOwner, unwrap, wrap, wrappedFingerprint } from './value-cipher.js';

const ITEM = 0x10;
const INDEX_ENTRY = 0x11;

function sealable(key: Bytes): boolean {
  const kind = key[0];
  return key.length >= 5 && (kind === ITEM || kind === INDEX_ENTRY || kind === CHANGE_LOG_PREFIX.CHANGE || kind === BACKUP_PREFIX.ITEM || kind === PITR_OVERLAY_PREFIX);
}

/**
 * DynamoDB's answer when a table's KMS key cannot be used. No live recording
 * of the text was found; the type follows AWS's troubleshooting article on
 * AccessDeniedException, which lists a table's KMS key among its causes.
 */
export function keyInaccessible(arn: string): DynamoError {
  return new DynamoError('AccessDeniedException', `KMS key access denied error: the KMS key ${arn} is disabled or does not exist`);
}

export class EncryptingStorage implements Storage {
  readonly concurrent?: boolean;
  private readonly unwrapped = new Map<string, Uint8Array>();
  /**
   * The active data key of a table's stored key record, by the record's
   * bytes, for sealing: parsing the record, finding its master key and
   * unwrapping cost more than the AES-GCM of a small item, once per value.
   */
  private readonly sealingKeys = new Map<number, { readonly stored: Uint8Array; readonly dataKey: Uint8Array | undefined }>();
  /**
   * The data key of each table, for opening, without reading its record
   * again: a table's data key never changes once made (a rotation or a new
   * master key re-wraps the same one, ids are never reused, and the record
   * outlives the table), so only whether its master key is usable can change,
   * and that changes with the key file. A new master key must be usable where
   * it is set (wrapped() refuses otherwise), so a table moved by another
   * process to a key this process cannot use is the one case a stale entry
   * misses: processes of one store are to share one key file.
   */
  private readonly openingKeys = new Map<number, Uint8Array>();

  private readonly openSealed: (tx: ReadTransaction, key: Bytes, value: Bytes) => Bytes;

  /**
   * Without master keys nothing new is sealed, and sealed values fail to
   * open. `onUnopenable` is for `dynalith check`: a sealed value that does not
   * open is handed to it and read as it is stored, rather than failing the
   * whole transaction.
   */
  constructor(
    private readonly inner: Storage,
    readonly keys: MasterKeys | undefined,
    private readonly onUnopenable?: (key: Bytes, error: Error) => void,
  ) {
    this.concurrent = inner.concurrent;
    this.openSealed = onUnopenable === undefined ? (tx, key, value) => this.opened(tx, key, value) : (tx, key, value) => this.openedOrReported(tx, key, value, onUnopenable);
    keys?.onChange(() => {
      this.sealingKeys.clear();
      this.openingKeys.clear();
    });
  }

  async get(key: Bytes): Promise<Bytes | undefined> {
    const value = await this.inner.get(key);
    if (value === undefined || !sealable(key) || !isSealed(value)) return value;
    const known = this.onUnopenable === undefined ? this.openingKeys.get(sealedOwner(value)) : undefined;
    return known !== undefined ? open(known, key, value) : this.inner.read((tx) => this.openSealed(tx, key, value));
  }

  read<T>(fn: (tx: ReadTransaction) => T): Promise<T> {
    return this.inner.read((tx) => fn(this.reading(tx)));
  }

  write<T>(fn: (tx: WriteTransaction) => T): Promise<T> {
    return this.inner.write((tx) => fn(this.writing(tx)));
  }

  close(): Promise<void> {
    this.keys?.stop();
    return this.inner.close();
  }

  /**
   * Follows the key file: each change (and the start) re-wraps the data keys
   * of rotated master keys. Every process of a shared store may do it: the
   * re-wrap reads what is left to do in its own transaction.
   */
  followKeyFile(onError: (error: Error) => void): void {
    if (this.keys === undefined) return;
    const rewrap = () => void this.rewrap().catch(onError);
    this.keys.onChange(rewrap);
    this.keys.watch();
    rewrap();
  }

  /**
   * Re-wraps every data key whose master key has new material (a rotation)
   * under that material; the items stay as they are. Returns how many.
   */
  rewrap(): Promise<number> {
    return this.inner.write((tx) => {
      let count = 0;
      for (const { key, value } of tx.range(DATA_KEY_RECORDS)) {
        const record = parseDataKeyRecord(value);
        if (!isKeyed(record)) continue;
        const master = this.keys?.usable(record.master);
        if (master === undefined || wrappedFingerprint(Buffer.from(record.wrapped, 'base64')) === fingerprint(master.material)) continue;
        tx.put(key, encodeDataKeyRecord({ ...this.wrapped(record.master, this.dataKey(record)), active: record.active }));
        count++;
      }
      return count;
    });
  }

  private reading(tx: ReadTransaction): ReadTransaction {
    return {
      get: (key) => {
        const value = tx.get(key);
        return value !== undefined && sealable(key) && isSealed(value) ? this.openSealed(tx, key, value) : value;
      },
      range: (options: RangeOptions) => this.openedRange(tx, options),
    };
  }

  private writing(tx: WriteTransaction): WriteTransaction {
    const read = this.reading(tx);
    return {
      get: read.get,
      range: read.range,
      delete: (key) => tx.delete(key),
      put: (key, value) => {
        if (isDataKeyRecord(key)) return this.putDataKeyRecord(tx, key, parseDataKeyRecord(value));
        if (this.keys === undefined || value.length === 0 || !sealable(key)) return tx.put(key, value);
        const owner = this.ownerTable(tx, key);
        const stored = owner === undefined ? undefined : tx.get(encryptionKey(TABLE_KEY, owner));
        const dataKey = stored === undefined ? undefined : this.sealingKey(owner!, stored);
        tx.put(key, dataKey === undefined ? value : seal(dataKey, owner!, key, value));
      },
    };
  }

  /**
   * The range with sealed values opened. A plain iterator rather than a
   * generator, handing on the store's own steps for values that are not
   * sealed: every Query and Scan of every table passes through here, and a
   * generator cost about 55 ns an entry (measured on the memory store).
   */
  private openedRange(tx: ReadTransaction, options: RangeOptions): Iterable<Entry> {
    const entries = tx.range(options);
    return {
      [Symbol.iterator]: (): Iterator<Entry> => {
        const inner = entries[Symbol.iterator]();
        return {
          next: (): IteratorResult<Entry> => {
            const step = inner.next();
            if (step.done === true) return step;
            const { key, value } = step.value;
            return sealable(key) && isSealed(value) ? { done: false, value: { key, value: this.openSealed(tx, key, value) } } : step;
          },
          return: (value?: unknown): IteratorResult<Entry> => {
            inner.return?.();
            return { done: true, value };
          },
        };
      },
    };
  }

  private opened(tx: ReadTransaction, key: Bytes, value: Bytes): Bytes {
    const owner = sealedOwner(value);
    let dataKey = this.openingKeys.get(owner);
    if (dataKey === undefined) {
      const stored = tx.get(encryptionKey(TABLE_KEY, owner));
      const record = stored === undefined ? undefined : parseDataKeyRecord(stored);
      if (record === undefined || !isKeyed(record)) throw new Error(`a sealed value names table ${owner}, which has no data key`);
      dataKey = this.dataKey(record);
      this.openingKeys.set(owner, dataKey);
    }
    return open(dataKey, key, value);
  }

  private openedOrReported(tx: ReadTransaction, key: Bytes, value: Bytes, report: (key: Bytes, error: Error) => void): Bytes {
    try {
      return this.opened(tx, key, value);
    } catch (error) {
      report(key, error as Error);
      return value;
    }
  }

  /**
   * The tables whose data key cannot be had now, with the master key each
   * names: absent from the key file, disabled, or not the material that
   * wrapped it.
   */
  async tablesLocked(): Promise<Map<number, string>> {
    const records = await this.inner.read((tx) => [...tx.range(DATA_KEY_RECORDS)]);
    const locked = new Map<number, string>();
    for (const { key, value } of records) {
      const record = parseDataKeyRecord(value);
      if (!isKeyed(record)) continue;
      try {
        this.dataKey(record);
      } catch {
        locked.set(new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(2), record.master);
      }
    }
    return locked;
  }

  /** The active data key of table `owner`'s stored key record; undefined for a declaration without one or an inactive key. */
  private sealingKey(owner: number, stored: Uint8Array): Uint8Array | undefined {
    const known = this.sealingKeys.get(owner);
    if (known !== undefined && Buffer.compare(known.stored, stored) === 0) return known.dataKey;
    const record = parseDataKeyRecord(stored);
    const dataKey = !isKeyed(record) || !record.active ? undefined : this.dataKey(record);
    this.sealingKeys.set(owner, { stored: Uint8Array.from(stored), dataKey });
    return dataKey;
  }

  /** The table whose data key seals values under `key`, when it has one. */
  private ownerTable(tx: ReadTransaction, key: Bytes): number | undefined {
    const id = new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(1);
    switch (key[0]) {
      case INDEX_ENTRY:
        return readTableOf(tx, INDEX_KEY, id);
      case BACKUP_PREFIX.ITEM:
        return readTableOf(tx, BACKUP_KEY, id);
      case PITR_OVERLAY_PREFIX:
        return readTableOf(tx, OVERLAY_KEY, id);
      default:
        return id;
    }
  }

  /** The data key of a keyed record, when its master key is in the key file and enabled. */
  private dataKey(record: DataKeyRecord): Uint8Array {
    const material = this.materialFor(record.master, record.wrapped);
    const wrapped = record.wrapped;
    const known = this.unwrapped.get(wrapped);
    if (known !== undefined) return known;
    const dataKey = unwrap(material, Buffer.from(wrapped, 'base64'));
    this.unwrapped.set(wrapped, dataKey);
    return dataKey;
  }

  private materialFor(arn: string, wrapped: string): Uint8Array {
    const master: MasterKey | undefined = this.keys?.usable(arn);
    const material = master?.materials.get(wrappedFingerprint(Buffer.from(wrapped, 'base64')));
    if (material === undefined) throw keyInaccessible(arn);
    return material;
  }

  /**
   * The engine declares which master key a table wants (encryption-records.ts);
   * this keys the declaration: a new data key wrapped under it, or the table's
   * data key re-wrapped when the master key changes. A table going back to an
   * AWS owned key keeps its data key, so what was sealed stays readable.
   */
  private putDataKeyRecord(tx: WriteTransaction, key: Bytes, declared: DataKeyDeclaration | DataKeyRecord): void {
    if (isKeyed(declared) || this.keys === undefined) return tx.put(key, encodeDataKeyRecord(declared));
    const stored = tx.get(key);
    const current = stored === undefined ? undefined : parseDataKeyRecord(stored);
    if (current === undefined || !isKeyed(current)) {
      if (declared.master === null) return;
      tx.put(key, encodeDataKeyRecord(this.wrapped(declared.master, newDataKey())));
    } else if (declared.master === null) {
      tx.put(key, encodeDataKeyRecord({ ...current, active: false }));
    } else {
      tx.put(key, encodeDataKeyRecord(this.wrapped(declared.master, this.dataKey(current))));
    }
  }

  private wrapped(arn: string, dataKey: Uint8Array): DataKeyRecord {
    const master = this.keys?.usable(arn);
    if (master === undefined) throw keyInaccessible(arn);
    return { master: arn, wrapped: Buffer.from(wrap(master.material, dataKey)).toString('base64'), active: true };
  }
}

/** The master keys of a store opened with a key file (Services and DescribeTable ask them whether a table's key is usable). */
export function masterKeysOf(storage: Storage): MasterKeys | undefined {
  return storage instanceof EncryptingStorage ? storage.keys : undefined;
}
