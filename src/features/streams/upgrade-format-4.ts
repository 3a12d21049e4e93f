/**
 * Storage format 4 kept each stream's records under the stream itself
 * (`0x33` + stream + u64 sequence, each in GetRecords' JSON) with a sequence
 * counter in the stream's head. Format 5 keeps them in the table's change log.
 * This moves a format-4 store's records into the logs in the transaction that
 * opens it: a table's oldest stream keeps its numbers (iterators handed out
 * before the upgrade still read on), a later stream of the same table is moved
 * up behind it. A stream whose table no longer has it enabled is closed at its
 * last number. Event ids are derived from the new numbers.
 */
import type { AttributeValue, Item } from '../../model/attribute-value.js';
import type { WriteTransaction } from '../../storage/storage.js';
import { STREAM_PREFIX } from '../../engine/keyspace.js';
import { storedTableRecord, type FormatUpgrade } from '../../engine/catalog.js';
import { writeChange, writeLogHead } from '../../engine/change-log.js';
import { headKey, shardKey, shardRange, streamName } from './stream-keys.js';
import { enabledStreamLabel, getJson, putJson, type Shard, type StreamHead, type StreamMeta } from './stream-state.js';

const FORMAT_4_RECORD = 0x33;

interface Format4Head {
  readonly nextSequence: number;
  readonly trimmedBelow: number;
  readonly openShard: number;
  readonly firstShard: number;
}

interface Format4Record {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly dynamodb: { ApproximateCreationDateTime: number; Keys: Item; NewImage?: Item; OldImage?: Item };
  readonly userIdentity?: unknown;
}

const decoder = new TextDecoder();

function recordsOf(name: Uint8Array): { start: Uint8Array; end: Uint8Array } {
  const start = new Uint8Array(1 + name.length);
  start[0] = FORMAT_4_RECORD;
  start.set(name, 1);
  const end = start.slice();
  // Stream names end in an ASCII label, so adding one to the last byte bounds every key under the name.
  end[end.length - 1] = end[end.length - 1]! + 1;
  return { start, end };
}

/**
 * A format-4 record as a change. A stream that kept no image (KEYS_ONLY, or
 * the side its view type leaves out) stands in its keys, which is all that
 * stream shows of that side.
 */
function changeOf(record: Format4Record, sequence: number) {
  const { Keys, NewImage, OldImage, ApproximateCreationDateTime } = record.dynamodb;
  const old: Record<string, AttributeValue> | undefined = record.eventName === 'INSERT' ? undefined : (OldImage ?? Keys);
  const next: Record<string, AttributeValue> | undefined = record.eventName === 'REMOVE' ? undefined : (NewImage ?? Keys);
  return {
    sequence,
    at: ApproximateCreationDateTime * 1000,
    ...(old !== undefined ? { old } : {}),
    ...(next !== undefined ? { new: next } : {}),
    ...(record.userIdentity !== undefined ? { ttl: true } : {}),
  };
}

export function upgradeStreamsFromFormat4(tx: WriteTransaction): void {
  const byTable = new Map<number, StreamMeta[]>();
  for (const { value } of tx.range({ start: new Uint8Array([STREAM_PREFIX.META]), end: new Uint8Array([STREAM_PREFIX.META + 1]) })) {
    const meta = JSON.parse(decoder.decode(value)) as StreamMeta;
    byTable.set(meta.tableId, [...(byTable.get(meta.tableId) ?? []), meta]);
  }
  for (const [tableId, metas] of byTable) {
    metas.sort((a, b) => a.createdAt - b.createdAt);
    let next: number | undefined;
    let trimmedBelow = Infinity;
    for (const meta of metas) {
      const name = streamName(tableId, meta.label);
      const head = getJson<Format4Head>(tx, headKey(name))!;
      const shards = [...tx.range(shardRange(name))].map(({ value }) => JSON.parse(decoder.decode(value)) as Shard);
      const base = Math.min(shards[0]?.start ?? head.trimmedBelow, head.trimmedBelow);
      next ??= base;
      const offset = next - base;
      for (const { key, value } of [...tx.range(recordsOf(name))]) {
        const sequence = Number(new DataView(key.buffer, key.byteOffset + key.length - 8, 8).getBigUint64(0));
        writeChange(tx, tableId, changeOf(JSON.parse(decoder.decode(value)) as Format4Record, sequence + offset));
        tx.delete(key);
      }
      for (const shard of shards) {
        putJson(tx, shardKey(name, shard.index), { ...shard, start: shard.start + offset, ...(shard.end !== undefined ? { end: shard.end + offset } : {}) });
      }
      const table = storedTableRecord(tx, meta.account, meta.region, meta.TableName);
      const open = table?.id === tableId && table.TableStatus !== 'DELETING' && enabledStreamLabel(table) === meta.label;
      const upgraded: StreamHead = {
        trimmedBelow: head.trimmedBelow + offset,
        openShard: head.openShard,
        firstShard: head.firstShard,
        ...(open ? {} : { closedAt: head.nextSequence - 1 + offset }),
      };
      putJson(tx, headKey(name), upgraded);
      trimmedBelow = Math.min(trimmedBelow, upgraded.trimmedBelow);
      next = head.nextSequence + offset;
    }
    const { account, region, TableName } = metas[0]!;
    writeLogHead(tx, tableId, { next: next!, trimmedBelow, account, region, TableName });
  }
}

/** The upgrade a server start applies to a store of format 4. */
export const FORMAT_4_UPGRADE: FormatUpgrade = { from: 4, apply: upgradeStreamsFromFormat4 };
