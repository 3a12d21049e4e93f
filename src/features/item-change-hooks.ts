/**
 * What every item change does besides storing the item, inside its storage
 * transaction: append the change to its table's change log when something
 * reads it (the table's stream, point-in-time recovery, a backup being
 * copied), and move the TTL
 * expiry entry. The item store calls the combined hook once per changed item.
 */
import type { Config } from '../config.js';
import type { Item } from '../model/attribute-value.js';
import type { PrimaryKey } from '../model/primary-key.js';
import { sameItem } from '../model/same-item.js';
import type { WriteTransaction } from '../storage/storage.js';
import type { TableRecord } from '../engine/table.js';
import { appendChange, type ChangeLogReader } from '../engine/change-log.js';
import { rollShardIfDue } from './streams/shard-rollover.js';
import { streamsLogReader } from './streams/retention.js';
import { pitrLogReader } from './pitr/log-reader.js';
import { backupCopyLogReader } from './backups/copy-log-reader.js';
import { exportsLogReader } from './exports/log-reader.js';
import { maintainExpiryIndex } from './ttl/expiry-index.js';
import { replicationLogReader } from './replication/replica-cursors.js';
import { isLater, isReplicated, localVersion, readVersion, writeVersion, type ItemVersion } from './replication/item-versions.js';
import { itemKey } from '../engine/item-key.js';

/** Who made a change, as far as its readers tell: TTL deletions are the service's; a global table's replicated changes carry their version. */
export interface ChangeOrigin {
  readonly ttl?: boolean;
  /** A change another region made, replicated here: it applies only if later than the item's version. */
  readonly replica?: ItemVersion;
}

/** The signature every per-item write hook has. */
export type ItemChangeHook = (
  tx: WriteTransaction,
  table: TableRecord,
  key: PrimaryKey,
  old: Item | undefined,
  next: Item | undefined,
  origin: ChangeOrigin,
) => void;

/** Everything that reads change logs; each says which tables' changes it wants. */
export const CHANGE_LOG_READERS: readonly ChangeLogReader[] = [streamsLogReader, pitrLogReader, backupCopyLogReader, exportsLogReader, replicationLogReader];

export function itemChangeHook(config: Pick<Config, 'streamShardMaxRecords' | 'streamShardMaxAgeMs' | 'streamRetentionMs'>): ItemChangeHook {
  const settings = { shardMaxRecords: config.streamShardMaxRecords, shardMaxAgeMs: config.streamShardMaxAgeMs, retentionMs: config.streamRetentionMs };
  return (tx, table, key, old, next, origin) => {
    // A write that changes nothing is no change: it adds no record.
    const changed = old === undefined ? next !== undefined : next === undefined || !sameItem(old, next);
    // A replicated change always takes its version (the item has it, whatever it held before); a local one only if it changes something, since only then is it sent.
    let version: ItemVersion | undefined;
    if (isReplicated(table) && (changed || origin.replica !== undefined)) {
      const storageKey = itemKey(table.id, key);
      version = origin.replica ?? localVersion(tx, table, storageKey, Date.now());
      writeVersion(tx, storageKey, version, next === undefined);
    }
    if (changed && CHANGE_LOG_READERS.some((reader) => reader.wants(table))) {
      const now = Date.now();
      rollShardIfDue(tx, table, settings, now);
      appendChange(tx, table, {
        at: now,
        ...(old !== undefined ? { old } : {}),
        ...(next !== undefined ? { new: next } : {}),
        ...(origin.ttl === true ? { ttl: true } : {}),
        ...(version !== undefined ? { version: version.at } : {}),
        ...(origin.replica !== undefined ? { from: origin.replica.region } : {}),
      });
    }
    maintainExpiryIndex(tx, table, key, old, next, origin);
  };
}

/**
 * Whether a change may apply at all: a replicated change only when it is
 * later than the item's version. A replicated delete that finds nothing to
 * delete still keeps its version, so an older put arriving after it loses.
 */
export function changeAdmitted(tx: WriteTransaction, table: TableRecord, storageKey: Uint8Array, origin: ChangeOrigin, deletes: boolean, exists: boolean): boolean {
  const version = origin.replica;
  if (version === undefined || !isReplicated(table)) return true;
  if (!isLater(version, readVersion(tx, storageKey))) return false;
  if (deletes && !exists) writeVersion(tx, storageKey, version, true);
  return true;
}
