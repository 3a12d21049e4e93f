/**
 * The layout of the storage keyspace: one leading byte per kind of record, so
 * each kind is one contiguous range. Item keys continue with the table id and
 * the encoded primary key (see model/key-codec.ts).
 */

import { createHash } from 'node:crypto';
import { MAX_KEY_BYTES } from '../storage/bytes.js';
import { textBytes } from '../model/key-codec.js';

const META = 0x00;
const TABLE = 0x01;
const TABLE_STATS = 0x02;
const INDEX_STATS = 0x03;
const COLLECTION_SIZE = 0x04;
const IDEMPOTENCY = 0x05;
const PURGE = 0x06;
const LEASE = 0x07;
const MEMBER = 0x08;
const ITEM = 0x10;
const INDEX_ENTRY = 0x11;

/** The change log of each table (src/engine/change-log.ts): its head, its changes. */
export const CHANGE_LOG_PREFIX = { HEAD: 0x20, CHANGE: 0x21 } as const;
/** Streams (src/features/streams/stream-keys.ts): description, head, shards, records, ARN index. */
export const STREAM_PREFIX = { META: 0x30, HEAD: 0x31, SHARD: 0x32, BY_ARN: 0x34 } as const;
/** Time to Live (src/features/ttl/ttl-keys.ts): the expiry index and the markers of tables still being indexed. */
export const TTL_PREFIX = { EXPIRY: 0x38, PENDING: 0x39 } as const;
/** Metrics (src/features/metrics/metric-store.ts): each series' minutes and its running total. */
export const METRIC_PREFIX = { MINUTE: 0x40, TOTAL: 0x41 } as const;
/** CloudWatch alarms (src/features/alarms/alarm-store.ts), by account, region and name. */
export const ALARM_PREFIX = 0x42;
/** Application Auto Scaling (src/features/autoscaling/scaling-store.ts): targets, policies, activities. */
export const SCALING_PREFIX = { TARGET: 0x44, POLICY: 0x45, ACTIVITY: 0x46 } as const;
/** Contributor Insights (src/features/insights/insight-store.ts): each rule's minutes. */
export const INSIGHTS_PREFIX = 0x48;
/** On-demand backups (src/features/backups/backup-store.ts): their records and restores, their items. */
export const BACKUP_PREFIX = { META: 0x50, ITEM: 0x51 } as const;
/** Tables deleted with PITR on, kept for their recovery period (src/features/pitr/deleted-tables.ts). */
export const DELETED_TABLE_PREFIX = 0x57;

/** Exports to S3 (features/exports/): one record per export, and a marker per export still being written. */
export const EXPORT_PREFIX = 0x58;

/** A point-in-time restore's or export's changes to its PITR base, sorted by item key (features/pitr/point-in-time.ts). */
export const PITR_OVERLAY_PREFIX = 0x5a;

/** Imports from S3 (features/imports/): one record per import, and a marker per import still being read. */
export const IMPORT_PREFIX = 0x59;

/** Encryption at rest (security/encryption/encryption-records.ts): data keys, and which table's key an index or backup uses. */
export const ENCRYPTION_PREFIX = 0x5e;

/**
 * Global tables (features/replication/): how far each replica has been sent a
 * table's changes, each item's last-writer-wins version, and the copies that
 * fill new replicas.
 */
export const REPLICATION_PREFIX = { CURSOR: 0x60, VERSION: 0x61, FILL: 0x62 } as const;

/** Resource-based policies (features/resource-policies/): a table's and its streams', by table id, purged with the table. */
export const RESOURCE_POLICY_PREFIX = 0x5c;

const utf8 = new TextEncoder();

function withPrefix(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 1;
  for (const part of parts) length += part.length;
  const key = new Uint8Array(length);
  key[0] = prefix;
  let offset = 1;
  for (const part of parts) {
    key.set(part, offset);
    offset += part.length;
  }
  return key;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

export const FORMAT_VERSION_KEY = withPrefix(META, utf8.encode('format-version'));
export const NEXT_TABLE_ID_KEY = withPrefix(META, utf8.encode('next-table-id'));
/** Bumped by every change of a table record, so a process can tell its cached catalog is stale. */
export const CATALOG_VERSION_KEY = withPrefix(META, utf8.encode('catalog-version'));
/** 32 random bytes every process and node of the store signs with (engine/server-secret.ts). */
export const SERVER_SECRET_KEY = withPrefix(META, utf8.encode('server-secret'));

/** Table records sort by account, then region, then name (names cannot contain 0x00). */
export function tableRecordKey(account: string, region: string, name: string): Uint8Array {
  return withPrefix(TABLE, utf8.encode(`${account}\u0000${region}\u0000${name}`));
}

export const TABLE_RECORDS = { start: new Uint8Array([TABLE]), end: new Uint8Array([TABLE + 1]) };

export function tableStatsKey(tableId: number): Uint8Array {
  return withPrefix(TABLE_STATS, u32(tableId));
}

/** An index's counters (entry count, size in bytes), kept like a table's. */
export function indexStatsKey(indexId: number): Uint8Array {
  return withPrefix(INDEX_STATS, u32(indexId));
}

/**
 * Every item-collection size counter of a table (tables with local secondary
 * indexes) starts with this; the partition key's encoding follows.
 */
export function collectionPrefix(tableId: number): Uint8Array {
  return withPrefix(COLLECTION_SIZE, u32(tableId));
}

/**
 * A TransactWriteItems ClientRequestToken's record, by account, region and
 * token (tokens are 1..36 characters, so the key always fits; a token's lone
 * surrogates keep their own bytes, so two tokens never share a record).
 */
export function idempotencyKey(account: string, region: string, token: string): Uint8Array {
  return withPrefix(IDEMPOTENCY, textBytes(`${account}\u0000${region}\u0000${token}`));
}

/**
 * The marker of a deleted table whose data is still being deleted, by table
 * id; its value names the table's indexes (see engine/table-purge.ts).
 */
export function purgeMarkerKey(tableId: number): Uint8Array {
  return withPrefix(PURGE, u32(tableId));
}

export const PURGE_MARKERS = { start: new Uint8Array([PURGE]), end: new Uint8Array([PURGE + 1]) };

/** The lease of a background job that one process of all runs (see leases.ts). */
export function leaseKey(job: string): Uint8Array {
  return withPrefix(LEASE, utf8.encode(job));
}
export const LEASE_PREFIX = LEASE;

/** A serving process's heartbeat (see members.ts). */
export function memberKey(holder: string): Uint8Array {
  return withPrefix(MEMBER, utf8.encode(holder));
}
export const MEMBER_RECORDS = { start: new Uint8Array([MEMBER]), end: new Uint8Array([MEMBER + 1]) };

/** The policy of a table (no stream label) or of one of its streams. */
export function resourcePolicyKey(tableId: number, streamLabel = ''): Uint8Array {
  return withPrefix(RESOURCE_POLICY_PREFIX, u32(tableId), utf8.encode(streamLabel));
}

/** Every resource policy key of a table starts with this. */
export function resourcePolicyPrefix(tableId: number): Uint8Array {
  return withPrefix(RESOURCE_POLICY_PREFIX, u32(tableId));
}

/** Every item key of a table starts with this. */
/** The records of one kind that belong to a table: its prefix byte and the table's id. */
export function tableRecordsPrefix(kind: number, tableId: number): Uint8Array {
  return withPrefix(kind, u32(tableId));
}

export function itemPrefix(tableId: number): Uint8Array {
  return withPrefix(ITEM, u32(tableId));
}

/** Every entry key of a secondary index (local or global) starts with this. */
export function indexPrefix(indexId: number): Uint8Array {
  return withPrefix(INDEX_ENTRY, u32(indexId));
}

/**
 * A key longer than the store allows (possible with long sort keys full of
 * NUL bytes, whose encoding doubles them) keeps its first ORDERED_KEY_BYTES
 * bytes and ends in a digest of the whole, so it stays unique. Keys longer
 * than ORDERED_KEY_BYTES that agree on those bytes are therefore stored in
 * no useful order among themselves; the reader (reader.ts) sorts each such
 * run by the whole keys before it hands entries out.
 */
export function fitKey(key: Uint8Array): Uint8Array {
  if (key.length <= MAX_KEY_BYTES) return key;
  const digest = createHash('sha256').update(key).digest().subarray(0, DIGEST_BYTES);
  const out = new Uint8Array(MAX_KEY_BYTES);
  out.set(key.subarray(0, ORDERED_KEY_BYTES));
  out.set(digest, ORDERED_KEY_BYTES);
  return out;
}

const DIGEST_BYTES = 16;
/** How many leading bytes of a stored key are the bytes of the key it stands for. */
export const ORDERED_KEY_BYTES = MAX_KEY_BYTES - DIGEST_BYTES;
