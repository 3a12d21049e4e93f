/** The sweeper's delete: through the item store, so indexes, counters and the stream follow, and only if still expired. */
import type { Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import type { TableRecord } from '../../engine/table.js';
import { UNCHANGED, type ApplyResult } from '../../engine/items.js';
import type { ChangeOrigin } from '../item-change-hooks.js';
import { expirySecond } from './expiry-index.js';
import type { ExpiredItemRemover } from './sweeper.js';

export type ItemWrite = (table: TableRecord, key: PrimaryKey, apply: (old: Item | undefined) => ApplyResult, origin: ChangeOrigin) => Promise<unknown>;

/** `deleted` hears of each item deleted (TimeToLiveDeletedItemCount). */
export function expiredItemRemover(write: ItemWrite, deleted: (table: TableRecord) => void = () => undefined): ExpiredItemRemover {
  return async (table, key, nowSeconds) => {
    const attribute = table.TimeToLive?.AttributeName;
    if (attribute === undefined) return;
    // Set by the apply step's last run (a retried transaction runs it again).
    let expired = false;
    await write(
      table,
      key,
      (old) => {
        // The item may have been rewritten with a later expiry since the index was read.
        const second = expirySecond(old, attribute);
        expired = second !== undefined && second < Math.floor(nowSeconds);
        return expired ? undefined : UNCHANGED;
      },
      { ttl: true },
    );
    if (expired) deleted(table);
  };
}
