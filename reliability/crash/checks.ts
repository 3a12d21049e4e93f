/**
 * What the crash test checks against a restarted server once its background
 * work is done: each table holds exactly the items the model expects, each
 * index equals its recomputation from the table, and DescribeTable's counts
 * and sizes equal what the scans find.
 */
import { DescribeTableCommand, ScanCommand, type DynamoDBClient, type ScanCommandInput, type TableDescription } from '@aws-sdk/client-dynamodb';
import { itemSize } from '../../src/model/item-size.js';
import type { Item as StoredItem } from '../../src/model/attribute-value.js';
import { keyId, tableName, type TableRole } from './model.js';
import { LATE_INDEX, MAIN, MAIN_INDEXES, TTL_ATTRIBUTE, expectedEntry, type IndexShape } from './schema.js';
import { canonicalItem, show, type Item } from './values.js';
import { Violation } from './violation.js';

/** Every page of a Scan: the items, and the sum of the pages' counts. */
export async function scanAll(client: DynamoDBClient, input: ScanCommandInput): Promise<Item[] & { count: number }> {
  const items = Object.assign([] as Item[], { count: 0 });
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
    items.push(...((page.Items ?? []) as Item[]));
    items.count += page.Count ?? 0;
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start !== undefined);
  return items;
}

export async function describe(client: DynamoDBClient, table: string): Promise<TableDescription> {
  return (await client.send(new DescribeTableCommand({ TableName: table }))).Table!;
}

/** Polls `done` until it answers true; a deadline passed is a violation (background work stuck). */
export async function waitUntil(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await done())) {
    if (performance.now() - started > timeoutMs) throw new Violation(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

export type LateIndexState = 'absent' | 'backfilling' | 'active';

export function lateIndexState(table: TableDescription): LateIndexState {
  const index = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === LATE_INDEX.name);
  if (index === undefined) return 'absent';
  return index.IndexStatus === 'ACTIVE' && index.Backfilling !== true ? 'active' : 'backfilling';
}

/** Until the late index's backfill has finished (or its deletion taken effect) and TTL has swept every expired item. */
export async function settle(client: DynamoDBClient, timeoutMs: number): Promise<void> {
  await waitUntil('the backfill of index late', timeoutMs, async () => lateIndexState(await describe(client, MAIN)) !== 'backfilling');
  await waitUntil('the TTL sweep of expired items', timeoutMs, async () => {
    const expired = await scanAll(client, {
      TableName: MAIN,
      Select: 'COUNT',
      ConsistentRead: true,
      FilterExpression: '#exp <= :now',
      ExpressionAttributeNames: { '#exp': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':now': { N: String(Math.floor(Date.now() / 1000)) } },
    });
    return expired.count === 0;
  });
}

/** The table (or index) holds exactly `expected` (by key id): nothing missing, nothing extra, every value as acknowledged. */
export function checkItems(role: TableRole, expected: ReadonlyMap<string, Item>, scanned: readonly Item[], where = `table ${tableName(role)}`): void {
  const seen = new Set<string>();
  for (const item of scanned) {
    const id = keyId(role, item);
    if (seen.has(id)) throw new Violation(`a Scan of ${where} returned ${id} twice`);
    seen.add(id);
    const want = expected.get(id);
    if (want === undefined) throw new Violation(`${id} is in ${where}, but no write left it there: ${show(item)}`);
    if (canonicalItem(want) !== canonicalItem(item)) throw new Violation(`${id} is ${show(item)} in ${where}, the acknowledged writes left ${show(want)}`);
  }
  for (const [id, item] of expected) if (!seen.has(id)) throw new Violation(`${id} is missing from ${where}; the acknowledged writes left ${show(item)}`);
}

const sizeOf = (items: readonly Item[]) => items.reduce((sum, item) => sum + itemSize(item as unknown as StoredItem), 0);

function checkCount(what: string, described: { ItemCount?: number; SizeBytes?: number }, items: readonly Item[]): void {
  const size = sizeOf(items);
  if (described.ItemCount !== items.length || described.SizeBytes !== size) {
    throw new Violation(`${what}: DescribeTable says ${described.ItemCount} items / ${described.SizeBytes} bytes, a Scan finds ${items.length} / ${size}`);
  }
}

/** DescribeTable's ItemCount and TableSizeBytes against a scan of the table (sizes by DynamoDB's item size rules). */
export function checkTableCounts(table: TableDescription, items: readonly Item[]): void {
  checkCount(`table ${table.TableName}`, { ItemCount: table.ItemCount, SizeBytes: table.TableSizeBytes }, items);
}

export interface IndexCheck {
  readonly indexes: number;
  readonly entries: number;
}

/** Each index of the main table (and the late one when it exists) equals its recomputation from the table's items, and its counts. */
export async function checkIndexes(client: DynamoDBClient, table: TableDescription, items: readonly Item[]): Promise<IndexCheck> {
  const indexes: IndexShape[] = [...MAIN_INDEXES, ...(lateIndexState(table) === 'active' ? [LATE_INDEX] : [])];
  let entries = 0;
  for (const index of indexes) {
    const expected = new Map<string, Item>();
    for (const item of items) {
      const entry = expectedEntry(index, item);
      if (entry !== undefined) expected.set(keyId('main', item), entry);
    }
    const scanned = await scanAll(client, { TableName: MAIN, IndexName: index.name });
    checkItems('main', expected, scanned, `index ${index.name}`);
    const described = [...(table.LocalSecondaryIndexes ?? []), ...(table.GlobalSecondaryIndexes ?? [])].find((candidate) => candidate.IndexName === index.name);
    checkCount(`index ${index.name}`, { ItemCount: described?.ItemCount, SizeBytes: described?.IndexSizeBytes }, scanned);
    entries += scanned.length;
  }
  return { indexes: indexes.length, entries };
}
