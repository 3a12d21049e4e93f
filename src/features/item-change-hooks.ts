/**
 * What every item change does besides storing the item, inside its storage
 * transaction: append the stream record and move the TTL expiry entry. The
 * item store calls the combined hook once per changed item.
 */
import type { Config } from '../config.js';
import { streamRecorder, type ItemChangeHook } from './streams/record-change.js';
import { maintainExpiryIndex } from './ttl/expiry-index.js';

export type { ChangeOrigin, ItemChangeHook } from './streams/record-change.js';

export function itemChangeHook(config: Pick<Config, 'streamShardMaxRecords' | 'streamShardMaxAgeMs' | 'streamRetentionMs'>): ItemChangeHook {
  const recordStream = streamRecorder({
    shardMaxRecords: config.streamShardMaxRecords,
    shardMaxAgeMs: config.streamShardMaxAgeMs,
    retentionMs: config.streamRetentionMs,
  });
  return (tx, table, key, old, next, origin) => {
    recordStream(tx, table, key, old, next, origin);
    maintainExpiryIndex(tx, table, key, old, next, origin);
  };
}
