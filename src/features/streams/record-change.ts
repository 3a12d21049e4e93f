/**
 * The streams write hook: called inside the storage transaction of every item
 * change, it appends the change's stream record (and rolls the shard over when
 * it is full or old), so the record commits or aborts with the change itself.
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import { itemSize } from '../../model/item-size.js';
import type { WriteTransaction } from '../../storage/storage.js';
import type { TableRecord } from '../../engine/table.js';
import { formatSequence } from './stream-arn.js';
import { headKey, recordKey, shardKey, streamName } from './stream-keys.js';
import { DEFAULT_STREAM_SETTINGS, type StreamSettings } from './stream-settings.js';
import { ensureStream, getJson, newShard, putJson, type Shard, type StreamHead, type StreamViewType } from './stream-state.js';
import { sameItem } from './same-item.js';

/** Who made a change, as far as streams tell: TTL deletions are the service's. */
export interface ChangeOrigin {
  readonly ttl?: boolean;
}

/** The signature every per-item write hook has (streams, TTL index). */
export type ItemChangeHook = (
  tx: WriteTransaction,
  table: TableRecord,
  key: PrimaryKey,
  old: Item | undefined,
  next: Item | undefined,
  origin: ChangeOrigin,
) => void;

// The API's Identity shape is capitalised on the wire (Lambda events lower-case it).
const TTL_IDENTITY = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } as const;

function keysOf(table: TableRecord, key: PrimaryKey): Record<string, AttributeValue> {
  const keys: Record<string, AttributeValue> = {};
  for (const element of table.KeySchema) keys[element.AttributeName] = (element.KeyType === 'HASH' ? key.hash : key.range)!;
  return keys;
}

/** The `dynamodb` member of a record: keys, the images the view type asks for, and their size. */
function changeBody(viewType: StreamViewType, keys: Item, old: Item | undefined, next: Item | undefined) {
  const newImage = next !== undefined && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? next : undefined;
  const oldImage = old !== undefined && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? old : undefined;
  const size = itemSize(keys) + (newImage === undefined ? 0 : itemSize(newImage)) + (oldImage === undefined ? 0 : itemSize(oldImage));
  return { newImage, oldImage, size };
}

/** Closes the open shard and opens its child when the open one is full or old. */
function rollIfDue(tx: WriteTransaction, name: Uint8Array, head: StreamHead, settings: StreamSettings, now: number): StreamHead {
  if (head.openCount === 0) return head;
  const open = getJson<Shard>(tx, shardKey(name, head.openShard))!;
  if (head.openCount < settings.shardMaxRecords && now - open.createdAt < settings.shardMaxAgeMs) return head;
  putJson(tx, shardKey(name, open.index), { ...open, end: head.nextSequence - 1 });
  // Shard ids embed the creation time; a child a millisecond younger than its
  // parent still sorts after it, as DescribeStream lists shards in id order.
  const child = newShard(open.index + 1, head.nextSequence, Math.max(now, open.createdAt + 1), open.ShardId);
  putJson(tx, shardKey(name, child.index), child);
  return { ...head, nextSequence: head.nextSequence + 1, openShard: child.index, openCount: 0 };
}

/** The streams hook with the given shard settings. */
export function streamRecorder(settings: StreamSettings = DEFAULT_STREAM_SETTINGS): ItemChangeHook {
  return (tx, table, key, old, next, origin) => {
    const spec = table.StreamSpecification;
    const label = table.LatestStreamLabel;
    if (spec?.StreamEnabled !== true || spec.StreamViewType === undefined || label === undefined) return;
    if (old === undefined ? next === undefined : next !== undefined && sameItem(old, next)) return;
    const now = Date.now();
    const name = streamName(table.id, label);
    const head = rollIfDue(tx, name, ensureStream(tx, table, label, spec.StreamViewType, now), settings, now);
    const keys = keysOf(table, key);
    const { newImage, oldImage, size } = changeBody(spec.StreamViewType, keys, old, next);
    const record = {
      eventID: randomUUID().replace(/-/g, ''),
      eventName: old === undefined ? 'INSERT' : next === undefined ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: table.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(now / 1000),
        Keys: keys,
        ...(newImage !== undefined ? { NewImage: newImage } : {}),
        ...(oldImage !== undefined ? { OldImage: oldImage } : {}),
        SequenceNumber: formatSequence(head.nextSequence),
        SizeBytes: size,
        StreamViewType: spec.StreamViewType,
      },
      ...(origin.ttl === true ? { userIdentity: TTL_IDENTITY } : {}),
    };
    putJson(tx, recordKey(name, head.nextSequence), record);
    putJson(tx, headKey(name), { ...head, nextSequence: head.nextSequence + 1, openCount: head.openCount + 1 });
  };
}
