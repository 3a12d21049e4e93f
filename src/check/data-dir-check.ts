/**
 * `dynalith check` on an LMDB data directory: first LMDB's file itself, read
 * page by page without mapping it (lmdb-file.ts) with every value's checksum
 * tested, then, if the file's structure is sound, the store's records through
 * LMDB (store-check.ts). Run on a directory no server uses: the lock is taken
 * for the second part, so no server starts meanwhile.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FORMAT_VERSION_KEY } from '../engine/keyspace.js';
import { FORMAT_VERSION } from '../engine/catalog.js';
import { lockHolder } from '../storage/data-dir-lock.js';
import { DATA_FILE, walkDataFile } from '../storage/lmdb-file.js';
import { checksumHolds, openLmdbStorage } from '../storage/lmdb.js';
import { checkStore, hex } from './store-check.js';

export interface CheckReport {
  readonly path: string;
  /** What was checked. */
  readonly summary: readonly string[];
  readonly damage: readonly string[];
  readonly leftovers: readonly string[];
}

/** The check cannot run on this directory (one line, for the command to print). */
export class CheckRefused extends Error {}

export async function checkDataDir(dataDir: string): Promise<CheckReport> {
  const path = resolve(dataDir);
  const file = join(path, DATA_FILE);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new CheckRefused(`${path} is not a directory`);
  if (!existsSync(file)) throw new CheckRefused(`${path} holds no Dynalith data (no ${DATA_FILE})`);
  const holder = await lockHolder(path);
  if (holder !== undefined) throw new CheckRefused(`${holder.message.replace(/; a second server .*$/, '')}; stop it before checking`);

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
  if (walk.problems.length > 0) return { path, summary, damage: [...walk.problems, ...damage], leftovers: [] };

  const storage = await openLmdbStorage({ path, exclusive: true, skipChecksums: true });
  try {
    const store = await storage.read((tx) => checkStore(tx, damaged));
    return { path, summary: [...summary, ...store.summary], damage: [...damage, ...store.damage], leftovers: store.leftovers };
  } finally {
    await storage.close();
  }
}
