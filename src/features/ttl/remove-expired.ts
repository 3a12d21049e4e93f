/** The sweeper's delete: through the item store, so indexes, counters and the stream follow, and only if still expired. */
import type { Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import type { TableRecord } from '../../engine/table.js';
import { UNCHANGED, type ApplyResult } from '../../engine/items.js';
import type { ChangeOrigin } from '../item-change-hooks.js';
import { expirySecond } from './expiry-index.js';
import type { ExpiredItemRemover } from './sweeper.js';

export type ItemWrite = (table: TableRecord, key: PrimaryKey, apply: (old: Item | undefined) => ApplyResult, origin: ChangeOrigin) => Promise<unknown>;

export function expiredItemRemover(write: ItemWrite): ExpiredItemRemover {
  return async (table, key, nowSeconds) => {
    const attribute = table.TimeToLive?.AttributeName;
    if (attribute === undefined) return;
    await write(
      table,
      key,
      (old) => {
        // The item may have been rewritten with a later expiry since the index was read.
        const second = expirySecond(old, attribute);
        return second !== undefined && second < Math.floor(nowSeconds) ? undefined : UNCHANGED;
      },
      { ttl: true },
    );
  };
}
