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

/** Who made a change, as far as its readers tell: TTL deletions are the service's. */
export interface ChangeOrigin {
  readonly ttl?: boolean;
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
export const CHANGE_LOG_READERS: readonly ChangeLogReader[] = [streamsLogReader, pitrLogReader, backupCopyLogReader, exportsLogReader];

export function itemChangeHook(config: Pick<Config, 'streamShardMaxRecords' | 'streamShardMaxAgeMs' | 'streamRetentionMs'>): ItemChangeHook {
  const settings = { shardMaxRecords: config.streamShardMaxRecords, shardMaxAgeMs: config.streamShardMaxAgeMs, retentionMs: config.streamRetentionMs };
  return (tx, table, key, old, next, origin) => {
    // A write that changes nothing is no change: it adds no record.
    const changed = old === undefined ? next !== undefined : next === undefined || !sameItem(old, next);
    if (changed && CHANGE_LOG_READERS.some((reader) => reader.wants(table))) {
      const now = Date.now();
      rollShardIfDue(tx, table, settings, now);
      appendChange(tx, table, { at: now, ...(old !== undefined ? { old } : {}), ...(next !== undefined ? { new: next } : {}), ...(origin.ttl === true ? { ttl: true } : {}) });
    }
    maintainExpiryIndex(tx, table, key, old, next, origin);
  };
}
