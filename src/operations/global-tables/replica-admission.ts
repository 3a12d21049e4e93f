/**
 * Which tables may be linked into a version 2017.11.29 global table.
 * CreateGlobalTable's API reference: each "must have the same primary key as
 * all of the other replicas", "DynamoDB Streams enabled, with the stream
 * containing both the new and the old images of the item", global and local
 * secondary indexes of the same names and keys, and "None of the replica
 * tables in the global table can contain any data" (so a region joins a
 * global table only while all of it is empty: nothing is copied). Its
 * "Write capacity settings should be set consistently" is advice, not
 * checked. No recording of DynamoDB's refusals was found: each
 * ValidationException here says which table breaks which rule.
 */
import type { ReadTransaction } from '../../storage/storage.js';
import { itemPrefix } from '../../engine/keyspace.js';
import { prefixRange } from '../../engine/prefix-range.js';
import type { IndexRecord, TableRecord } from '../../engine/table.js';
import { validation } from '../../protocol/errors.js';
import { INVALID } from '../tables/key-schema-rules.js';
import { REPLICATED_VIEW } from '../../features/replication/replica-group.js';
import { tableNotFoundIn } from './legacy-group.js';

function refused(table: TableRecord, reason: string): never {
  throw validation(`${INVALID}Table: '${table.TableName}' in region: '${table.region}' ${reason}`);
}

/** A key schema with the types of its attributes, comparable as text. */
function keysOf(table: TableRecord, keys: IndexRecord['KeySchema']): string {
  return JSON.stringify(keys.map((key) => [key.AttributeName, key.KeyType, table.AttributeDefinitions.find((d) => d.AttributeName === key.AttributeName)?.AttributeType]));
}

function indexesOf(table: TableRecord, indexes: readonly IndexRecord[]): string {
  const live = indexes.filter((index) => index.IndexStatus !== 'DELETING').map((index) => `${index.IndexName}=${keysOf(table, index.KeySchema)}`);
  return JSON.stringify(live.sort());
}

/** Refuses a table that holds an item. */
export function checkEmpty(tx: ReadTransaction, table: TableRecord): void {
  if ([...tx.range({ ...prefixRange(itemPrefix(table.id)), limit: 1 })].length > 0) {
    refused(table, 'is not empty: the replicas of a global table must contain no items when it is created or a replica is added');
  }
}

/**
 * The table of the name in the region, if it may join a global table like
 * `model` (another of its replicas; none for the first one checked).
 */
export function admittedTable(tx: ReadTransaction, table: TableRecord | undefined, name: string, region: string, model: TableRecord | undefined): TableRecord {
  if (table === undefined || table.TableStatus === 'DELETING') throw tableNotFoundIn(name, region);
  if (table.legacyGlobalTable !== undefined || (table.Replicas?.length ?? 0) > 0) refused(table, 'is a replica of another global table already');
  const stream = table.StreamSpecification;
  if (stream?.StreamEnabled !== true || stream.StreamViewType !== REPLICATED_VIEW) refused(table, `must have DynamoDB Streams enabled with the view type ${REPLICATED_VIEW}`);
  if (model !== undefined) {
    if (keysOf(table, table.KeySchema) !== keysOf(model, model.KeySchema)) refused(table, `does not have the same key schema as the table in region: '${model.region}'`);
    if (indexesOf(table, table.GlobalSecondaryIndexes) !== indexesOf(model, model.GlobalSecondaryIndexes)) {
      refused(table, `does not have the same global secondary indexes (names and keys) as the table in region: '${model.region}'`);
    }
    if (indexesOf(table, table.LocalSecondaryIndexes) !== indexesOf(model, model.LocalSecondaryIndexes)) {
      refused(table, `does not have the same local secondary indexes (names and keys) as the table in region: '${model.region}'`);
    }
  }
  checkEmpty(tx, table);
  return table;
}
