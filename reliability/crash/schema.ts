/**
 * The crash test's tables. `main` has everything a write can touch inside its
 * transaction: two local and two global indexes with each kind of projection,
 * a stream with both images, TTL, and a third global index (`late`) that the
 * test creates on the populated table and deletes again, round after round.
 * `side` has no index, stream or TTL, so its writes take the store's fast
 * path; transactions span both tables.
 */
import type { AttributeDefinition, CreateTableCommandInput, KeySchemaElement, Projection } from '@aws-sdk/client-dynamodb';
import type { Item } from './values.js';

export const MAIN = 'crash_main';
export const SIDE = 'crash_side';
export const TTL_ATTRIBUTE = 'exp';

export interface IndexShape {
  readonly name: string;
  readonly global: boolean;
  readonly hash: string;
  readonly range?: string;
  readonly projection: 'KEYS_ONLY' | 'INCLUDE' | 'ALL';
  readonly include?: readonly string[];
}

/** The attribute types of every key attribute (table and index keys). */
const KEY_TYPES: Record<string, 'S' | 'N'> = { pk: 'S', sk: 'N', r: 'N', v: 'N', g: 'S', tag: 'S', w: 'S' };

export const MAIN_KEYS = ['pk', 'sk'] as const;
export const SIDE_KEYS = ['pk'] as const;

export const MAIN_INDEXES: readonly IndexShape[] = [
  { name: 'by_r', global: false, hash: 'pk', range: 'r', projection: 'KEYS_ONLY' },
  { name: 'by_v', global: false, hash: 'pk', range: 'v', projection: 'INCLUDE', include: ['g', 'w'] },
  { name: 'by_g', global: true, hash: 'g', range: 'r', projection: 'ALL' },
  { name: 'by_tag', global: true, hash: 'tag', projection: 'INCLUDE', include: ['v', 'doc'] },
];

/** Created on the populated table during the load, so its backfill races the writes and the kill. */
export const LATE_INDEX: IndexShape = { name: 'late', global: true, hash: 'g', range: 'w', projection: 'KEYS_ONLY' };

const definition = (name: string): AttributeDefinition => ({ AttributeName: name, AttributeType: KEY_TYPES[name]! });

function keySchema(hash: string, range?: string): KeySchemaElement[] {
  return [{ AttributeName: hash, KeyType: 'HASH' }, ...(range === undefined ? [] : [{ AttributeName: range, KeyType: 'RANGE' as const }])];
}

function projection(index: IndexShape): Projection {
  return index.include === undefined ? { ProjectionType: index.projection } : { ProjectionType: index.projection, NonKeyAttributes: [...index.include] };
}

export function indexDefinition(index: IndexShape) {
  return { IndexName: index.name, KeySchema: keySchema(index.hash, index.range), Projection: projection(index) };
}

export function keyDefinitions(index: IndexShape): AttributeDefinition[] {
  return [index.hash, ...(index.range === undefined ? [] : [index.range])].map(definition);
}

export const CREATE_MAIN: CreateTableCommandInput = {
  TableName: MAIN,
  KeySchema: keySchema('pk', 'sk'),
  AttributeDefinitions: ['pk', 'sk', 'r', 'v', 'g', 'tag'].map(definition),
  LocalSecondaryIndexes: MAIN_INDEXES.filter((index) => !index.global).map(indexDefinition),
  GlobalSecondaryIndexes: MAIN_INDEXES.filter((index) => index.global).map(indexDefinition),
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  BillingMode: 'PAY_PER_REQUEST',
};

export const CREATE_SIDE: CreateTableCommandInput = {
  TableName: SIDE,
  KeySchema: keySchema('pk'),
  AttributeDefinitions: [definition('pk')],
  BillingMode: 'PAY_PER_REQUEST',
};

/**
 * The entry `index` holds for `item`, recomputed from the table: none when
 * the item lacks a key attribute of the index or holds it with another type
 * (a sparse index); else the table's and the index's key attributes and what
 * the projection adds.
 */
export function expectedEntry(index: IndexShape, item: Item): Item | undefined {
  const keys = [...MAIN_KEYS, index.hash, ...(index.range === undefined ? [] : [index.range])];
  for (const name of keys) if (item[name]?.[KEY_TYPES[name]!] === undefined) return undefined;
  if (index.projection === 'ALL') return item;
  const entry: Item = {};
  for (const name of [...keys, ...(index.include ?? [])]) if (item[name] !== undefined) entry[name] = item[name];
  return entry;
}
