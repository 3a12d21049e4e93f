/**
 * A stream's state in storage: its fixed description, its head (the open
 * shard, the trim horizon, where it closed) and its shards. A stream is a
 * window of its table's change log (engine/change-log.ts): from its first
 * shard's starting number until it closes, every change of the log is one of
 * its records, and a shard is a run of the window's sequence numbers.
 * Everything a consumer sees is derived from these records and the log, so a
 * restarted server or another node reading the same store sees the same stream.
 */
import { randomBytes } from 'node:crypto';
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import type { KeySchemaElement, StreamSpecification, TableRecord } from '../../engine/table.js';
import { readLogHead, reserveSequence } from '../../engine/change-log.js';
import { streamArn } from './stream-arn.js';
import { arnKey, headKey, shardKey, shardRange, streamKey, streamName } from './stream-keys.js';

export type StreamViewType = NonNullable<StreamSpecification['StreamViewType']>;

/** What never changes about a stream once it exists. */
export interface StreamMeta {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly tableId: number;
  readonly TableName: string;
  readonly label: string;
  readonly viewType: StreamViewType;
  readonly KeySchema: readonly KeySchemaElement[];
  /** Epoch ms. */
  readonly createdAt: number;
}

export interface StreamHead {
  /** Records below this sequence number are past retention: the stream no longer shows them. */
  readonly trimmedBelow: number;
  /** Index of the open (newest) shard. */
  readonly openShard: number;
  /** Index of the oldest shard still kept. */
  readonly firstShard: number;
  /** Once the stream is closed (disabled, or its table deleted): the last sequence number that is its. */
  readonly closedAt?: number;
}

export interface Shard {
  readonly index: number;
  readonly ShardId: string;
  readonly ParentShardId?: string;
  readonly start: number;
  /** The last sequence number of a closed shard. */
  readonly end?: number;
  /** Epoch ms. */
  readonly createdAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function putJson(tx: WriteTransaction, key: Uint8Array, value: unknown): void {
  tx.put(key, encoder.encode(JSON.stringify(value)));
}

export function getJson<T>(tx: ReadTransaction, key: Uint8Array): T | undefined {
  const bytes = tx.get(key);
  return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as T);
}

/** A shard id as DynamoDB writes them: creation time and a random suffix. */
export function newShardId(now: number): string {
  return `shardId-${String(now).padStart(20, '0')}-${randomBytes(4).toString('hex')}`;
}

/**
 * A shard whose first sequence number is `start`. That number is the shard's
 * own, never a record's (the shard's records follow it): DynamoDB reports a
 * StartingSequenceNumber for a shard that holds no record yet, and an
 * AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER iterator at it reads the records
 * written later (ScyllaDB's Alternator tests, run against AWS). The caller
 * takes it from the change log with reserveSequence.
 */
export function newShard(index: number, start: number, now: number, parent?: string): Shard {
  return { index, ShardId: newShardId(now), ...(parent !== undefined ? { ParentShardId: parent } : {}), start, createdAt: now };
}

/** The label of the table's stream when it is enabled. */
export function enabledStreamLabel(table: TableRecord | undefined): string | undefined {
  const spec = table?.StreamSpecification;
  return spec?.StreamEnabled === true && spec.StreamViewType !== undefined ? table!.LatestStreamLabel : undefined;
}

/**
 * The head of the table's current stream, creating the stream (description,
 * ARN entry, first shard) on first use. Only for a table whose stream is enabled.
 */
export function ensureStream(tx: WriteTransaction, table: TableRecord, label: string, viewType: StreamViewType, now: number): StreamHead {
  const name = streamName(table.id, label);
  const head = getJson<StreamHead>(tx, headKey(name));
  if (head !== undefined) return head;
  const meta: StreamMeta = {
    arn: streamArn(table, label),
    account: table.account,
    region: table.region,
    tableId: table.id,
    TableName: table.TableName,
    label,
    viewType,
    KeySchema: table.KeySchema,
    createdAt: now,
  };
  const start = reserveSequence(tx, table);
  const created: StreamHead = { trimmedBelow: start, openShard: 0, firstShard: 0 };
  putJson(tx, streamKey(name), meta);
  putJson(tx, arnKey(meta.arn), { tableId: table.id, label });
  putJson(tx, shardKey(name, 0), newShard(0, start, now));
  putJson(tx, headKey(name), created);
  return created;
}

/**
 * Keeps the stored streams in step with a change of a table's definition, in
 * the transaction that stores it (`after` undefined: the table is deleted). A
 * stream enabled now is stored at once, so it exists (and is listed and
 * described) from then on, even if it is disabled again before any write; the
 * stream the table had enabled before and no longer has is closed at the last
 * sequence number its table's log has handed out.
 */
export function followTableChange(tx: WriteTransaction, before: TableRecord | undefined, after: TableRecord | undefined, now = Date.now()): void {
  const previous = enabledStreamLabel(before);
  const current = enabledStreamLabel(after);
  if (before !== undefined && previous !== undefined && (previous !== current || after?.id !== before.id)) {
    const key = headKey(streamName(before.id, previous));
    const head = getJson<StreamHead>(tx, key);
    if (head !== undefined && head.closedAt === undefined) putJson(tx, key, { ...head, closedAt: (readLogHead(tx, before.id)?.next ?? 1) - 1 });
  }
  if (after !== undefined && current !== undefined) ensureStream(tx, after, current, after.StreamSpecification!.StreamViewType!, now);
}

/** Everything a reader needs about one stream, from one snapshot. */
export interface StreamSnapshot {
  readonly name: Uint8Array;
  readonly meta: StreamMeta;
  readonly head: StreamHead;
  readonly shards: readonly Shard[];
  /** Whether records may still be added. */
  readonly open: boolean;
  /** The sequence number after the stream's last one so far. */
  readonly next: number;
}

export function readStreamByArn(tx: ReadTransaction, arn: string): StreamSnapshot | undefined {
  const ref = getJson<{ tableId: number; label: string }>(tx, arnKey(arn));
  if (ref === undefined) return undefined;
  return readStream(tx, streamName(ref.tableId, ref.label));
}

export function readStream(tx: ReadTransaction, name: Uint8Array): StreamSnapshot | undefined {
  const meta = getJson<StreamMeta>(tx, streamKey(name));
  const head = getJson<StreamHead>(tx, headKey(name));
  if (meta === undefined || head === undefined) return undefined;
  const shards: Shard[] = [];
  for (const { value } of tx.range(shardRange(name))) shards.push(JSON.parse(decoder.decode(value)) as Shard);
  const open = head.closedAt === undefined;
  const next = open ? (readLogHead(tx, meta.tableId)?.next ?? head.trimmedBelow) : head.closedAt! + 1;
  return { name, meta, head, shards, open, next };
}

/** A stream's label: the moment it was enabled, as DynamoDB writes it (ISO 8601 without zone). */
export function streamLabel(now = new Date()): string {
  return now.toISOString().slice(0, 23);
}
