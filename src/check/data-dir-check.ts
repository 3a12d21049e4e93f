/**
 * `dynalith check` on an LMDB data directory: first LMDB's file itself, read
 * page by page without mapping it (lmdb-file.ts) with every value's checksum
 * tested, then, if the file's structure is sound, the store's records through
 * LMDB (store-check.ts). Run on a directory no server uses: the lock is taken
 * for the second part, so no server starts meanwhile.
 *
 * Values of encrypted tables are read through the encrypting layer, with the
 * master keys of `--kms-key-file` when given: a sealed value that does not
 * open under a usable key is damage; the tables whose key is not to be had
 * are not checked, and say so.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FORMAT_VERSION_KEY } from '../engine/keyspace.js';
import { FORMAT_VERSION } from '../engine/catalog.js';
import { lockHolder } from '../storage/data-dir-lock.js';
import { DATA_FILE, walkDataFile } from '../storage/lmdb-file.js';
import { checksumHolds, openLmdbStorage } from '../storage/lmdb.js';
import { DynamoError } from '../protocol/errors.js';
import { EncryptingStorage } from '../security/encryption/encrypting-storage.js';
import { MasterKeys } from '../security/encryption/master-keys.js';
import { checkStore, hex } from './store-check.js';

export interface CheckReport {
  readonly path: string;
  /** What was checked. */
  readonly summary: readonly string[];
  readonly damage: readonly string[];
  readonly leftovers: readonly string[];
  /** What could not be checked: values sealed under master keys the key file does not give. */
  readonly unchecked: readonly string[];
}

/** The check cannot run on this directory (one line, for the command to print). */
export class CheckRefused extends Error {}

export async function checkDataDir(dataDir: string, kmsKeyFile?: string): Promise<CheckReport> {
  const path = resolve(dataDir);
  const file = join(path, DATA_FILE);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new CheckRefused(`${path} is not a directory`);
  if (!existsSync(file)) throw new CheckRefused(`${path} holds no Dynalith data (no ${DATA_FILE})`);
  const holder = await lockHolder(path);
  if (holder !== undefined) throw new CheckRefused(`${holder.message.replace(/; a second server .*$/, '')}; stop it before checking`);
  let keys: MasterKeys | undefined;
  try {
    keys = kmsKeyFile === undefined ? undefined : MasterKeys.fromFile(kmsKeyFile);
  } catch (error) {
    throw new CheckRefused(`--kms-key-file: ${(error as Error).message}`);
  }

  const damaged = new Set<string>();
  const damage: string[] = [];
  let format: string | undefined;
  const formatKey = Buffer.from(FORMAT_VERSION_KEY);
  const walk = walkDataFile(file, ({ key, value }) => {
    if (checksumHolds(value)) return;
    if (formatKey.equals(key)) format = new TextDecoder().decode(value);
    damaged.add(hex(key));
    damage.push(`the value under ${hex(key)} fails its checksum`);
  });
  if (format !== undefined && /^\d+$/.test(format)) {
    throw new CheckRefused(`the data directory was written in storage format ${format}; this build checks format ${FORMAT_VERSION}`);
  }
  const summary = [`data file: ${walk.entries} entries`];
  if (walk.problems.length > 0) return { path, summary, damage: [...walk.problems, ...damage], leftovers: [], unchecked: [] };

  // Values that do not open join the damaged ones, which the store check passes over.
  let locked = 0;
  const storage = new EncryptingStorage(await openLmdbStorage({ path, exclusive: true, skipChecksums: true }), keys, (key, error) => {
    damaged.add(hex(key));
    if (error instanceof DynamoError) locked++;
    else damage.push(`the sealed value under ${hex(key)} does not open (altered, moved under another key, or sealed under another data key)`);
  });
  try {
    const lockedTables = await storage.tablesLocked();
    const store = await storage.read((tx) => checkStore(tx, damaged, lockedTables));
    const unchecked = [...new Set(lockedTables.values())].map((arn) => `values sealed under ${arn}, which ${keys === undefined ? 'needs --kms-key-file' : 'the key file does not give (absent or disabled)'}`);
    if (locked > 0 && unchecked.length === 0) unchecked.push(`${locked} sealed values whose data key is not to be had`);
    return { path, summary: [...summary, ...store.summary], damage: [...damage, ...store.damage], leftovers: store.leftovers, unchecked };
  } finally {
    await storage.close();
  }
}
