/**
 * Reading streams for the Streams API: which streams a namespace has, how a
 * stream and its shards look now, and a page of a shard's records. A stream is
 * open while it is its table's current, enabled stream; once closed (disabled,
 * or its table deleted) its last shard ends at its last record.
 */
import type { Storage } from '../../storage/storage.js';
import type { Namespace } from '../../operations/operation.js';
import { readChanges } from '../../engine/change-log.js';
import { DynamoError } from '../../protocol/errors.js';
import { checkStreamArn, formatSequence } from './stream-arn.js';
import { ARN_KEYS, arnOfKey } from './stream-keys.js';
import { readStreamByArn, type Shard, type StreamSnapshot } from './stream-state.js';
import { renderStreamRecord } from './stream-record.js';

/** What every ARN of the namespace's streams starts with. */
function namespacePrefix(ns: Namespace): string {
  return `arn:aws:dynamodb:${ns.region}:${ns.account}:table/`;
}

/** The ARNs of the namespace's streams in ARN order, optionally only one table's. */
export async function listStreamArns(storage: Storage, ns: Namespace, tableName?: string): Promise<string[]> {
  const prefix = namespacePrefix(ns);
  return storage.read((tx) => {
    const arns: string[] = [];
    for (const { key } of tx.range(ARN_KEYS)) {
      const arn = arnOfKey(key);
      if (!arn.startsWith(prefix)) continue;
      if (tableName !== undefined && arn.slice(prefix.length, arn.lastIndexOf('/stream/')) !== tableName) continue;
      arns.push(arn);
    }
    return arns;
  });
}

export function streamNotFound(arn: string): DynamoError {
  return new DynamoError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`);
}

/**
 * The stream an ARN names: ValidationException when it is no stream ARN,
 * ResourceNotFoundException when the namespace has no such stream. Regions
 * and accounts isolate streams as they isolate tables: a stream of another
 * region or account is not found, as DynamoDB Streams' regional endpoints
 * answer an ARN of another region's stream.
 */
export async function requireStream(storage: Storage, ns: Namespace, arn: string): Promise<StreamSnapshot> {
  checkStreamArn(arn);
  if (!arn.startsWith(namespacePrefix(ns))) throw streamNotFound(arn);
  const snapshot = await storage.read((tx) => readStreamByArn(tx, arn));
  if (snapshot === undefined) throw streamNotFound(arn);
  return snapshot;
}

/**
 * The last sequence number of a shard once it is closed (or its stream is):
 * its last record's, or its own starting number when it holds none, so every
 * shard of a disabled stream reports an EndingSequenceNumber, as DynamoDB's do
 * (ScyllaDB's Alternator tests, run against AWS).
 */
export function shardEnd(snapshot: StreamSnapshot, shard: Shard): number | undefined {
  return shard.end ?? (snapshot.open ? undefined : snapshot.head.closedAt);
}

/** Whether no record will ever be added to the shard. */
export function shardClosed(snapshot: StreamSnapshot, shard: Shard): boolean {
  return shard.end !== undefined || !snapshot.open;
}

export function renderShard(snapshot: StreamSnapshot, shard: Shard): Record<string, unknown> {
  const end = shardEnd(snapshot, shard);
  return {
    ShardId: shard.ShardId,
    SequenceNumberRange: {
      StartingSequenceNumber: formatSequence(Math.max(shard.start, snapshot.head.trimmedBelow)),
      ...(end !== undefined ? { EndingSequenceNumber: formatSequence(end) } : {}),
    },
    ...(shard.ParentShardId !== undefined ? { ParentShardId: shard.ParentShardId } : {}),
  };
}

export interface ShardPage {
  readonly snapshot: StreamSnapshot;
  readonly shard: Shard;
  /** The records, each as the JSON text GetRecords sends. */
  readonly texts: readonly string[];
  /** The sequence number after the last record read (or `from` when none was). */
  readonly next: number;
  /** True when the page stopped at `limit` records or at 1 MB, so more may follow. */
  readonly cut: boolean;
}

/**
 * "GetRecords can retrieve a maximum of 1 MB of data or 1000 stream records,
 * whichever comes first" (DynamoDB Streams API Reference). Measured on the
 * stored record texts; the record that reaches it is still part of the page,
 * as with a Query's 1 MB.
 */
const MAX_RECORDS_BYTES = 1024 * 1024;

/**
 * Up to `limit` records (and about 1 MB) of a shard from sequence `from`, read
 * in one snapshot with the stream's state so a shard that rolls over meanwhile
 * cannot lend its child's records. Undefined when the stream or shard is gone
 * (or is not the namespace's).
 */
export function readShardPage(storage: Storage, ns: Namespace, arn: string, shardId: string, from: number, limit: number): Promise<ShardPage | undefined> {
  if (!arn.startsWith(namespacePrefix(ns))) return Promise.resolve(undefined);
  return storage.read((tx) => {
    const snapshot = readStreamByArn(tx, arn);
    const shard = snapshot?.shards.find((candidate) => candidate.ShardId === shardId);
    if (snapshot === undefined || shard === undefined) return undefined;
    const end = shardEnd(snapshot, shard);
    const texts: string[] = [];
    let next = from;
    let bytes = 0;
    for (const change of readChanges(tx, snapshot.meta.tableId, from, end === undefined ? snapshot.next : end + 1, limit)) {
      const text = renderStreamRecord(snapshot.meta, change);
      texts.push(text);
      next = change.sequence + 1;
      bytes += text.length;
      if (bytes >= MAX_RECORDS_BYTES) return { snapshot, shard, texts, next, cut: true };
    }
    return { snapshot, shard, texts, next, cut: texts.length === limit };
  });
}
