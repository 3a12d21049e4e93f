/**
 * A change of the table's log as its stream shows it: keys, the images the
 * stream's view type asks for, event name and size, in the JSON GetRecords
 * sends.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import { itemSize } from '../../model/item-size.js';
import type { Change } from '../../engine/change-log.js';
import { formatSequence } from './stream-arn.js';
import type { StreamMeta } from './stream-state.js';

// The API's Identity shape is capitalised on the wire (Lambda events lower-case it).
const TTL_IDENTITY = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } as const;

function keysOf(meta: StreamMeta, item: Item): Item {
  const keys: Record<string, AttributeValue> = {};
  for (const { AttributeName } of meta.KeySchema) keys[AttributeName] = item[AttributeName]!;
  return keys;
}

/** An event id that stays the same on every read of the record: 32 hex digits, as DynamoDB's are. */
function eventId(meta: StreamMeta, sequence: number): string {
  return createHash('sha256').update(`${meta.tableId}/${sequence}`).digest('hex').slice(0, 32);
}

export function renderStreamRecord(meta: StreamMeta, change: Change): string {
  const { viewType } = meta;
  const keys = keysOf(meta, (change.new ?? change.old)!);
  const newImage = change.new !== undefined && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? change.new : undefined;
  const oldImage = change.old !== undefined && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? change.old : undefined;
  const size = itemSize(keys) + (newImage === undefined ? 0 : itemSize(newImage)) + (oldImage === undefined ? 0 : itemSize(oldImage));
  return JSON.stringify({
    eventID: eventId(meta, change.sequence),
    eventName: change.old === undefined ? 'INSERT' : change.new === undefined ? 'REMOVE' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: meta.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(change.at / 1000),
      Keys: keys,
      ...(newImage !== undefined ? { NewImage: newImage } : {}),
      ...(oldImage !== undefined ? { OldImage: oldImage } : {}),
      SequenceNumber: formatSequence(change.sequence),
      SizeBytes: size,
      StreamViewType: viewType,
    },
    ...(change.ttl === true ? { userIdentity: TTL_IDENTITY } : {}),
  });
}
