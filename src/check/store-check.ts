/**
 * `dynalith check`'s walk of a store, inside one read snapshot and through the
 * Storage interface (so any backend): every record must decode, and what the
 * server derives from items must equal a recomputation from the items.
 *
 * - the format version and table records (each under the key its table's
 *   account, region and name give);
 * - each table's items: a stored value of the size-prefixed format whose size
 *   is the item's size, under the key its key attributes give (key-layout.ts),
 *   and the table's counters equal to a recount;
 * - each index (every LSI, and every GSI not being deleted or backfilled):
 *   its entries equal to the entries recomputed from the items (key, projected
 *   item and size), its counters equal to a recount; the item collection
 *   sizes of tables with local indexes likewise;
 * - the TTL expiry index: one entry per item with a Number TTL attribute
 *   (fewer while existing items are still being indexed), each naming its item;
 * - streams: description, head, shards and records decode, records lie
 *   between the trim horizon and the head, the open shard's record count is
 *   right, and every ARN entry names a stored stream;
 * - nothing stored under a table or index id the catalog does not know
 *   ("leftovers": no harm to what is served, but space not given back), and
 *   no record of a kind the keyspace does not define; the data of a deleted
 *   table still being purged (engine/table-purge.ts, resumed when a server
 *   starts) is named in the summary, and a DELETING table's is not checked.
 */
import type { Item } from '../model/attribute-value.js';
import { itemSize } from '../model/item-size.js';
import { keyFromItem } from '../model/primary-key.js';
import type { ReadTransaction } from '../storage/storage.js';
import { FORMAT_VERSION } from '../engine/catalog.js';
import { SERVER_SECRET_BYTES } from '../engine/server-secret.js';
import {
  FORMAT_VERSION_KEY,
  NEXT_TABLE_ID_KEY,
  SERVER_SECRET_KEY,
  PURGE_MARKERS,
  LEASE_PREFIX,
  MEMBER_RECORDS,
  CHANGE_LOG_PREFIX,
  STREAM_PREFIX,
  TABLE_RECORDS,
  TTL_PREFIX,
  METRIC_PREFIX,
  ALARM_PREFIX,
  SCALING_PREFIX,
  INSIGHTS_PREFIX,
  BACKUP_PREFIX,
  DELETED_TABLE_PREFIX,
  PITR_OVERLAY_PREFIX,
  ENCRYPTION_PREFIX,
  EXPORT_PREFIX,
  IMPORT_PREFIX,
  RESOURCE_POLICY_PREFIX,
  REPLICATION_PREFIX,
  collectionPrefix,
  indexPrefix,
  indexStatsKey,
  itemPrefix,
  tableRecordKey,
  tableStatsKey,
} from '../engine/keyspace.js';
import { exportRecordProblems } from '../features/exports/export-check.js';
import { decodeCounters, readSpreadCounters, type Counters } from '../engine/counters.js';
import { storedSize, storedText } from '../engine/stored-item.js';
import { indexEntry, tableIndexes, type IndexDefinition } from '../engine/indexes.js';
import { itemKey } from '../engine/item-key.js';
import { partitionStart } from '../engine/key-layout.js';
import { prefixEnd } from '../model/key-codec.js';
import type { TableRecord } from '../engine/table.js';
import { importKeyKind, type ImportRecord } from '../features/imports/import-store.js';
import { expirySecond } from '../features/ttl/expiry-index.js';
import { expiryKey, pendingKey, tableExpiryRange } from '../features/ttl/ttl-keys.js';
import { ARN_KEYS, arnOfKey, headKey, shardRange, streamName } from '../features/streams/stream-keys.js';
import { FORMAT_4_UPGRADE } from '../features/streams/upgrade-format-4.js';
import { LOG_HEADS, parseChangeKey, readLogHead, type LogHead } from '../engine/change-log.js';
import type { Shard, StreamHead, StreamMeta } from '../features/streams/stream-state.js';

export interface StoreFindings {
  /** Records that are wrong: what is served from them is wrong or missing. */
  readonly damage: string[];
  /** Records no table owns any more: harmless, but their space is not given back. */
  readonly leftovers: string[];
  /** What was checked, one line per table. */
  readonly summary: string[];
}

const decoder = new TextDecoder();
const KEY_PREFIXES = { TABLE_STATS: 0x02, INDEX_STATS: 0x03, COLLECTION: 0x04, IDEMPOTENCY: 0x05, ITEM: 0x10, INDEX_ENTRY: 0x11 } as const;
const KNOWN_PREFIXES = new Set<number>([0x00, 0x01, PURGE_MARKERS.start[0]!, LEASE_PREFIX, MEMBER_RECORDS.start[0]!, ...Object.values(KEY_PREFIXES), ...Object.values(CHANGE_LOG_PREFIX), ...Object.values(STREAM_PREFIX), ...Object.values(TTL_PREFIX), ...Object.values(METRIC_PREFIX), ALARM_PREFIX, ...Object.values(SCALING_PREFIX), INSIGHTS_PREFIX, ...Object.values(BACKUP_PREFIX), DELETED_TABLE_PREFIX, PITR_OVERLAY_PREFIX, EXPORT_PREFIX, IMPORT_PREFIX, RESOURCE_POLICY_PREFIX, ENCRYPTION_PREFIX, ...Object.values(REPLICATION_PREFIX)]);

export function hex(key: Uint8Array): string {
  const text = Buffer.from(key).toString('hex');
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function json(value: Uint8Array): unknown {
  return JSON.parse(decoder.decode(value));
}

/** The one older format a server start upgrades; the check knows only the current layout. */
const UPGRADABLE_FORMAT = FORMAT_4_UPGRADE.from;

/**
 * Walks the store; values under `skip` (hex keys) are already reported as
 * damaged and are not read. Tables in `locked` (id → master key ARN) are
 * encrypted under a key the check was not given: not checked.
 */
export function checkStore(tx: ReadTransaction, skip: ReadonlySet<string> = new Set(), locked: ReadonlyMap<number, string> = new Map()): StoreFindings {
  const findings: StoreFindings = { damage: [], leftovers: [], summary: [] };
  const readable = (key: Uint8Array) => !skip.has(hex(key));
  if (tx.get(FORMAT_VERSION_KEY) !== undefined && decoder.decode(tx.get(FORMAT_VERSION_KEY)!) === String(UPGRADABLE_FORMAT)) {
    findings.summary.push(`storage format ${UPGRADABLE_FORMAT}: the next server start upgrades it to ${FORMAT_VERSION} (not checked)`);
    return findings;
  }
  checkFormat(tx, findings);
  const secret = tx.get(SERVER_SECRET_KEY);
  if (secret !== undefined && secret.length !== SERVER_SECRET_BYTES) findings.damage.push(`the store's secret is ${secret.length} bytes, not ${SERVER_SECRET_BYTES}`);
  const tables = readTables(tx, findings, readable);
  const ids = new Set<number>();
  for (const table of tables) {
    ids.add(table.id);
    for (const index of [...table.LocalSecondaryIndexes, ...table.GlobalSecondaryIndexes]) ids.add(index.id);
  }
  const next = tx.get(NEXT_TABLE_ID_KEY);
  if (tables.length > 0 && (next === undefined || Number(decoder.decode(next)) <= Math.max(...ids))) {
    findings.damage.push(`the next table id (${next === undefined ? 'missing' : decoder.decode(next)}) is not above every id in use`);
  }
  const purging = checkPurges(tx, findings, readable);
  for (const table of tables) {
    if (purging.has(table.id)) findings.summary.push(`table ${table.TableName} (${table.region}): DELETING, its data being purged (not checked)`);
    else if (locked.has(table.id)) findings.summary.push(`table ${table.TableName} (${table.region}): encrypted under ${locked.get(table.id)}, not given (not checked)`);
    else checkTable(tx, table, findings, readable);
  }
  checkStreams(tx, findings, readable);
  checkChangeLogs(tx, findings, readable);
  checkIdempotency(tx, findings, readable);
  findings.damage.push(...exportRecordProblems(tx, readable));
  checkImports(tx, findings, readable);
  checkOwners(tx, new Set([...ids, ...purging]), findings);
  return findings;
}

/** The ids (tables and their indexes) whose data is being purged, named in the summary; an unreadable marker is damage. */
function checkPurges(tx: ReadTransaction, findings: StoreFindings, readable: (key: Uint8Array) => boolean): Set<number> {
  const ids = new Set<number>();
  for (const { key, value } of tx.range(PURGE_MARKERS)) {
    if (!readable(key)) continue;
    try {
      const { indexes } = json(value) as { indexes: unknown };
      if (key.length !== 5 || !Array.isArray(indexes) || !indexes.every((id) => Number.isInteger(id))) throw new Error('it does not name a table and its indexes');
      const id = Buffer.from(key).readUInt32BE(1);
      ids.add(id);
      for (const index of indexes as number[]) ids.add(index);
      const what = (json(value) as { table?: unknown }).table === false ? 'deleted index' : 'deleted table';
      findings.summary.push(`${what} id ${id}: its data is still being purged (a server start goes on with it)`);
    } catch (error) {
      findings.damage.push(`purge marker ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
  return ids;
}

function checkFormat(tx: ReadTransaction, findings: StoreFindings): void {
  const stored = tx.get(FORMAT_VERSION_KEY);
  if (stored === undefined) {
    if (tx.range({ limit: 1 })[Symbol.iterator]().next().done !== true) findings.damage.push('the storage format record is missing');
    return;
  }
  if (decoder.decode(stored) !== String(FORMAT_VERSION)) findings.damage.push(`the storage format record says ${JSON.stringify(decoder.decode(stored))}, not ${FORMAT_VERSION}`);
}

function readTables(tx: ReadTransaction, findings: StoreFindings, readable: (key: Uint8Array) => boolean): TableRecord[] {
  const tables: TableRecord[] = [];
  for (const { key, value } of tx.range(TABLE_RECORDS)) {
    if (!readable(key)) continue;
    try {
      const table = json(value) as TableRecord;
      if (!Buffer.from(tableRecordKey(table.account, table.region, table.TableName)).equals(key)) throw new Error(`it describes table ${table.TableName}`);
      tables.push(table);
    } catch (error) {
      findings.damage.push(`table record ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
  return tables;
}

/** What the items of a table say their derived records must be. */
interface Expected {
  counters: Counters;
  /** Per checked index id: entry key (hex) → the entry's stored value text and size. */
  readonly entries: Map<number, Map<string, { text: string; size: number; item: string }>>;
  /** Item collection key (hex) → counters. */
  readonly collections: Map<string, { itemCount: number; sizeBytes: number }>;
  /** Expiry entry key (hex) → the item key JSON it must hold. */
  readonly expiries: Map<string, string>;
}

function checkTable(tx: ReadTransaction, table: TableRecord, findings: StoreFindings, readable: (key: Uint8Array) => boolean): void {
  const name = `table ${table.TableName} (${table.region})`;
  const indexes = tableIndexes(table);
  // A GSI being backfilled or deleted holds a part of its entries by design.
  const checked = indexes.maintained.filter((index) => index.record.Backfilling !== true);
  const expected: Expected = { counters: { itemCount: 0, sizeBytes: 0 }, entries: new Map(checked.map((index) => [index.record.id, new Map()])), collections: new Map(), expiries: new Map() };
  const ttl = table.TimeToLive?.AttributeName;
  const start = itemPrefix(table.id);
  let items = 0;
  for (const { key, value } of tx.range({ start, end: prefixEnd(start)! })) {
    items++;
    if (!readable(key)) continue;
    const where = `${name}: item ${hex(key)}`;
    let item: Item;
    try {
      item = json(value.subarray(4)) as Item;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error('not an item');
    } catch (error) {
      findings.damage.push(`${where} is unreadable: ${(error as Error).message}`);
      continue;
    }
    const size = itemSize(item);
    if (value.length < 4 || storedSize(value) !== size) findings.damage.push(`${where}: stored size ${storedSize(value)} differs from the item's size ${size}`);
    let primaryKey;
    try {
      primaryKey = keyFromItem(item, indexes.tableSchema);
    } catch (error) {
      findings.damage.push(`${where}: ${(error as Error).message}`);
      continue;
    }
    const label = JSON.stringify(primaryKey);
    if (!Buffer.from(itemKey(table.id, primaryKey)).equals(key)) findings.damage.push(`${name}: item ${label} is stored under the key ${hex(key)}, not under its own`);
    expected.counters = { itemCount: expected.counters.itemCount + 1, sizeBytes: expected.counters.sizeBytes + size };
    let localBytes = 0;
    for (const index of checked) {
      const entry = indexEntry(index, item);
      if (entry === undefined) continue;
      expected.entries.get(index.record.id)!.set(hex(entry.key), { text: entry.text, size: entry.size, item: label });
      if (index.local) localBytes += entry.size;
    }
    if (table.LocalSecondaryIndexes.length > 0) {
      const collection = hex(partitionStart(collectionPrefix(table.id), [primaryKey.hash]));
      const counts = expected.collections.get(collection) ?? { itemCount: 0, sizeBytes: 0 };
      expected.collections.set(collection, { itemCount: counts.itemCount + 1, sizeBytes: counts.sizeBytes + size + localBytes });
    }
    const second = ttl === undefined ? undefined : expirySecond(item, ttl);
    if (second !== undefined) expected.expiries.set(hex(expiryKey(table.id, second, key)), label);
  }
  compareCounters(tx, tableStatsKey(table.id), expected.counters, `${name}: its item counters`, findings);
  for (const index of checked) checkIndex(tx, index, expected.entries.get(index.record.id)!, `${name}, index ${index.record.IndexName}`, findings, readable);
  if (table.LocalSecondaryIndexes.length > 0) checkCollections(tx, table, expected.collections, name, findings);
  checkExpiries(tx, table, expected.expiries, name, findings);
  const skipped = indexes.maintained.length - checked.length;
  findings.summary.push(`${name}: ${items} items, ${checked.length} indexes checked${skipped > 0 ? ` (${skipped} being backfilled, not checked)` : ''}`);
}

function compareCounters(tx: ReadTransaction, key: Uint8Array, recount: Counters, what: string, findings: StoreFindings): void {
  const stored = readSpreadCounters(tx, key);
  if (stored.itemCount !== recount.itemCount || stored.sizeBytes !== recount.sizeBytes) {
    findings.damage.push(`${what} say ${stored.itemCount} (${stored.sizeBytes} bytes), a recount finds ${recount.itemCount} (${recount.sizeBytes} bytes)`);
  }
}

function checkIndex(
  tx: ReadTransaction,
  index: IndexDefinition,
  expected: Map<string, { text: string; size: number; item: string }>,
  name: string,
  findings: StoreFindings,
  readable: (key: Uint8Array) => boolean,
): void {
  const start = indexPrefix(index.record.id);
  const recount = { itemCount: 0, sizeBytes: 0 };
  for (const { key, value } of tx.range({ start, end: prefixEnd(start)! })) {
    const id = hex(key);
    const wanted = expected.get(id);
    expected.delete(id);
    if (!readable(key)) continue;
    recount.itemCount++;
    recount.sizeBytes += value.length >= 4 ? storedSize(value) : 0;
    if (wanted === undefined) findings.damage.push(`${name}: entry ${id} belongs to no item`);
    else if (value.length < 4 || storedSize(value) !== wanted.size || storedText(value) !== wanted.text) findings.damage.push(`${name}: the entry of item ${wanted.item} differs from the item`);
  }
  for (const { item } of expected.values()) findings.damage.push(`${name}: the entry of item ${item} is missing`);
  compareCounters(tx, indexStatsKey(index.record.id), recount, `${name}: its entry counters`, findings);
}

function checkCollections(tx: ReadTransaction, table: TableRecord, expected: Map<string, Counters>, name: string, findings: StoreFindings): void {
  const start = collectionPrefix(table.id);
  for (const { key, value } of tx.range({ start, end: prefixEnd(start)! })) {
    const id = hex(key);
    const stored = decodeCounters(value);
    const wanted = expected.get(id) ?? { itemCount: 0, sizeBytes: 0 };
    expected.delete(id);
    if (stored.itemCount !== wanted.itemCount || stored.sizeBytes !== wanted.sizeBytes) {
      findings.damage.push(`${name}: item collection ${id} is recorded as ${stored.itemCount} items (${stored.sizeBytes} bytes), a recount finds ${wanted.itemCount} (${wanted.sizeBytes} bytes)`);
    }
  }
  for (const id of expected.keys()) findings.damage.push(`${name}: item collection ${id} has no size record`);
}

function checkExpiries(tx: ReadTransaction, table: TableRecord, expected: Map<string, string>, name: string, findings: StoreFindings): void {
  const indexing = tx.get(pendingKey(table.id)) !== undefined;
  const enabled = table.TimeToLive !== undefined;
  for (const { key, value } of tx.range(tableExpiryRange(table.id))) {
    const id = hex(key);
    const wanted = expected.get(id);
    expected.delete(id);
    if (!enabled) findings.leftovers.push(`${name}: expiry entry ${id} although Time to Live is off`);
    else if (wanted === undefined) findings.damage.push(`${name}: expiry entry ${id} names no item expiring then`);
    else if (JSON.stringify(JSON.parse(decoder.decode(value))) !== wanted) findings.damage.push(`${name}: the expiry entry of item ${wanted} names another item`);
  }
  if (!indexing) for (const item of expected.values()) findings.damage.push(`${name}: the expiry entry of item ${item} is missing`);
}

function checkStreams(tx: ReadTransaction, findings: StoreFindings, readable: (key: Uint8Array) => boolean): void {
  const metas = new Set<string>();
  for (const { key, value } of tx.range({ start: new Uint8Array([STREAM_PREFIX.META]), end: new Uint8Array([STREAM_PREFIX.META + 1]) })) {
    if (!readable(key)) continue;
    let meta: StreamMeta;
    try {
      meta = json(value) as StreamMeta;
    } catch (error) {
      findings.damage.push(`stream description ${hex(key)} is unreadable: ${(error as Error).message}`);
      continue;
    }
    metas.add(meta.arn);
    checkStream(tx, meta, findings, readable);
  }
  for (const { key, value } of tx.range(ARN_KEYS)) {
    if (!readable(key)) continue;
    if (!metas.has(arnOfKey(key))) findings.damage.push(`stream ARN entry ${arnOfKey(key)} names no stored stream (${decoder.decode(value)})`);
  }
}

function checkStream(tx: ReadTransaction, meta: StreamMeta, findings: StoreFindings, readable: (key: Uint8Array) => boolean): void {
  const name = streamName(meta.tableId, meta.label);
  const where = `stream ${meta.arn}`;
  try {
    const headBytes = tx.get(headKey(name));
    if (headBytes === undefined) throw new Error('its head is missing');
    const head = json(headBytes) as StreamHead;
    const shards: Shard[] = [];
    for (const { key, value } of tx.range(shardRange(name))) if (readable(key)) shards.push(json(value) as Shard);
    if (head.closedAt === undefined && !shards.some((shard) => shard.index === head.openShard)) findings.damage.push(`${where}: its open shard ${head.openShard} is missing`);
    const log = readLogHead(tx, meta.tableId);
    if (log === undefined) findings.damage.push(`${where}: its table's change log is missing`);
    else if (head.trimmedBelow < log.trimmedBelow) findings.damage.push(`${where}: it shows changes from ${head.trimmedBelow} on, its table's log keeps them from ${log.trimmedBelow} only`);
  } catch (error) {
    findings.damage.push(`${where} is unreadable: ${(error as Error).message}`);
  }
}

/** Every change belongs to a log head and lies between its trim horizon and its next number. */
function checkChangeLogs(tx: ReadTransaction, findings: StoreFindings, readable: (key: Uint8Array) => boolean): void {
  const heads = new Map<number, LogHead>();
  for (const { key, value } of tx.range(LOG_HEADS)) {
    if (!readable(key)) continue;
    try {
      heads.set(new DataView(key.buffer, key.byteOffset, key.length).getUint32(1), json(value) as LogHead);
    } catch (error) {
      findings.damage.push(`change log head ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
  for (const { key, value } of tx.range({ start: new Uint8Array([CHANGE_LOG_PREFIX.CHANGE]), end: new Uint8Array([CHANGE_LOG_PREFIX.CHANGE + 1]) })) {
    if (!readable(key)) continue;
    try {
      const { tableId, sequence } = parseChangeKey(key);
      json(value);
      const head = heads.get(tableId);
      if (head === undefined) findings.damage.push(`change ${sequence} of table id ${tableId} has no log head`);
      else if (sequence < head.trimmedBelow || sequence >= head.next) findings.damage.push(`change ${sequence} of table id ${tableId} lies outside ${head.trimmedBelow}..${head.next - 1}`);
    } catch (error) {
      findings.damage.push(`change ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
}

function checkIdempotency(tx: ReadTransaction, findings: StoreFindings, readable: (key: Uint8Array) => boolean): void {
  for (const { key, value } of tx.range({ start: new Uint8Array([KEY_PREFIXES.IDEMPOTENCY]), end: new Uint8Array([KEY_PREFIXES.IDEMPOTENCY + 1]) })) {
    if (!readable(key)) continue;
    try {
      json(value);
    } catch (error) {
      findings.damage.push(`transaction token record ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
}

/**
 * Every key under a per-table or per-index prefix belongs to a known id, and
 * every key starts with a known prefix. One range seek per id and prefix.
 */
/** Import records (features/imports/import-store.ts): readable, and marked pending exactly while IN_PROGRESS. */
function checkImports(tx: ReadTransaction, findings: StoreFindings, readable: (key: Uint8Array) => boolean): void {
  const pending = new Set<string>();
  const running = new Map<string, string>();
  for (const { key, value } of tx.range({ start: new Uint8Array([IMPORT_PREFIX]), end: new Uint8Array([IMPORT_PREFIX + 1]) })) {
    const kind = importKeyKind(key);
    if (kind === 'pending') {
      pending.add(Buffer.from(key.subarray(3)).toString('hex'));
      continue;
    }
    if (kind === undefined) {
      findings.damage.push(`import key ${hex(key)} is of no known kind`);
      continue;
    }
    if (!readable(key)) continue;
    try {
      const record = json(value) as Partial<ImportRecord>;
      if (typeof record.ImportArn !== 'string' || typeof record.status !== 'string' || typeof record.progress !== 'object') throw new Error('it is not an import record');
      if (record.status === 'IN_PROGRESS') running.set(Buffer.from(key).toString('hex'), record.ImportArn);
    } catch (error) {
      findings.damage.push(`import record ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
  for (const [key, arn] of running) {
    if (!pending.has(key)) findings.damage.push(`import ${arn} is IN_PROGRESS but the import job has no marker for it`);
    else findings.summary.push(`import ${arn}: IN_PROGRESS (a server start goes on with it)`);
  }
  for (const key of pending) if (!running.has(key)) findings.damage.push(`import marker ${hex(Buffer.from(key, 'hex'))} names no import IN_PROGRESS`);
}

function checkOwners(tx: ReadTransaction, ids: ReadonlySet<number>, findings: StoreFindings): void {
  const first = (start: Uint8Array) => tx.range({ start, limit: 1 })[Symbol.iterator]().next().value?.key;
  const owned = [KEY_PREFIXES.TABLE_STATS, KEY_PREFIXES.INDEX_STATS, KEY_PREFIXES.COLLECTION, KEY_PREFIXES.ITEM, KEY_PREFIXES.INDEX_ENTRY, TTL_PREFIX.EXPIRY, TTL_PREFIX.PENDING, RESOURCE_POLICY_PREFIX, ...Object.values(REPLICATION_PREFIX)];
  for (let key = first(new Uint8Array([0])); key !== undefined; ) {
    const prefix = key[0]!;
    if (!KNOWN_PREFIXES.has(prefix)) {
      findings.damage.push(`records of an unknown kind (prefix 0x${prefix.toString(16).padStart(2, '0')}), the first under ${hex(key)}`);
      key = prefix === 0xff ? undefined : first(new Uint8Array([prefix + 1]));
      continue;
    }
    if (!owned.includes(prefix) || key.length < 5) {
      key = first(new Uint8Array([prefix + 1]));
      continue;
    }
    const id = Buffer.from(key).readUInt32BE(1);
    if (!ids.has(id)) findings.leftovers.push(`records under prefix 0x${prefix.toString(16).padStart(2, '0')} of id ${id}, which no table or index has`);
    const after = Buffer.alloc(5);
    after[0] = prefix;
    if (id === 0xffffffff) key = first(new Uint8Array([prefix + 1]));
    else {
      after.writeUInt32BE(id + 1, 1);
      key = first(after);
    }
  }
}
