import type { Item } from '../../model/attribute-value.js';
import { ITEM_TOO_LARGE, itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { KEY_SCHEMA_MISMATCH, keyFromItem, type KeySchema, type PrimaryKey } from '../../model/primary-key.js';
import { validateItem, validateKey } from '../../model/validate-value.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, list, struct } from '../../protocol/shape.js';
import { checkIndexKeys } from '../../engine/indexes.js';
import { writeUnits } from '../../engine/capacity.js';
import type { TableRecord } from '../../engine/table.js';
import { defineOperation } from '../operation.js';
import {
  dataTable,
  itemCollectionMetrics,
  keyItem,
  resolveKey,
  returnConsumedCapacityMember,
  returnItemCollectionMetricsMember,
  tableKeySchema,
  type ReturnConsumedCapacity,
} from './item-operation.js';
import { CapacityByTable, DUPLICATE_KEYS, keyIdentity, requestEntries, requestItemsMember } from './batch-request.js';
import { own } from '../../model/own-property.js';
import { countsAccess } from '../../features/insights/insight-counter.js';

/** DynamoDB's limit on write requests per table entry (Coral's map value constraint). */
export const MAX_BATCH_WRITE_REQUESTS = 25;

interface WriteRequest {
  readonly PutRequest?: { readonly Item: Record<string, unknown> };
  readonly DeleteRequest?: { readonly Key: Record<string, unknown> };
}

interface BatchWriteItemRequest {
  readonly RequestItems?: Record<string, WriteRequest[]>;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ReturnItemCollectionMetrics?: string;
}

/** A put carries its new item; a delete only the key values it names. */
type CheckedWrite = { readonly put: Item } | { readonly delete: Item };

interface PlannedWrite {
  readonly name: string;
  readonly table: TableRecord;
  readonly key: PrimaryKey;
  /** The new item, or undefined to delete. */
  readonly item: Item | undefined;
}

// DynamoDB's (odd) text for a WriteRequest holding neither or both of PutRequest and DeleteRequest.
const NOT_ONE_REQUEST =
  'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';

/** The checks that need no table: one request per entry, valid values, the item size limit. */
function checkTableWrites(writes: readonly WriteRequest[]): CheckedWrite[] {
  if (writes.some((write) => (write.PutRequest === undefined) === (write.DeleteRequest === undefined))) {
    throw validation(NOT_ONE_REQUEST);
  }
  return writes.map((write) => {
    if (write.DeleteRequest !== undefined) return { delete: validateKey(write.DeleteRequest.Key) };
    const item = validateItem(write.PutRequest!.Item);
    if (itemSize(item) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE);
    return { put: item };
  });
}

/** A put item's key; unlike PutItem, a batch words a missing or mistyped key attribute as a schema mismatch. */
function putKey(item: Item, schema: KeySchema): PrimaryKey {
  for (const attribute of schema.range === undefined ? [schema.hash] : [schema.hash, schema.range]) {
    const value = own(item, attribute.name);
    if (value === undefined || !(attribute.type in value)) throw validation(KEY_SCHEMA_MISMATCH);
  }
  return keyFromItem(item, schema);
}

function writeKey(table: TableRecord, write: CheckedWrite): PrimaryKey {
  if ('delete' in write) return resolveKey(table, write.delete);
  const key = putKey(write.put, tableKeySchema(table));
  checkIndexKeys(table, write.put);
  return key;
}

/** Resolves one table's writes against its schema, refusing two writes to one item. */
function planTableWrites(name: string, table: TableRecord, writes: readonly CheckedWrite[]): PlannedWrite[] {
  const identities = new Set<string>();
  return writes.map((write) => {
    const key = writeKey(table, write);
    const identity = keyIdentity(keyItem(table, key));
    if (identities.has(identity)) throw validation(DUPLICATE_KEYS);
    identities.add(identity);
    return { name, table, key, item: 'put' in write ? write.put : undefined };
  });
}

type ItemCollectionMetrics = NonNullable<ReturnType<typeof itemCollectionMetrics>>;

export const batchWriteItem = defineOperation<BatchWriteItemRequest>({
  name: 'BatchWriteItem',
  shape: struct('BatchWriteItemInput', {
    // Coral reports these members' errors before those of RequestItems.
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    ReturnItemCollectionMetrics: returnItemCollectionMetricsMember,
    RequestItems: requestItemsMember(
      list(
        struct('WriteRequest', {
          PutRequest: struct('PutRequest', { Item: attributeMap({ required: true }) }),
          DeleteRequest: struct('DeleteRequest', { Key: attributeMap({ required: true }) }),
        }),
      ),
      'java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>',
      { valueMinLength: 1, valueMaxLength: MAX_BATCH_WRITE_REQUESTS },
    ),
  }),
  async execute(request, context) {
    const entries = requestEntries(request.RequestItems, 'BatchWriteItem');
    // The shape bounds each table's list; the limit of 25 is on the whole request.
    if (entries.reduce((total, [, writes]) => total + writes.length, 0) > MAX_BATCH_WRITE_REQUESTS) {
      throw validation('Too many items requested for the BatchWriteItem call');
    }
    const checked = entries.map(([name, writes]) => [name, checkTableWrites(writes)] as const);
    const planned = checked.flatMap(([name, writes]) => planTableWrites(name, dataTable(context, name), writes));
    const { throughput } = context.services;
    // Writes to a table (or partition) out of capacity are left unprocessed, each admitted one holding a unit
    // while the next are asked; when all are refused, the whole call is throttled.
    const refusals = planned.map(({ table, key }) => throughput.reserve(table, 'write', key.hash, 1, key.range));
    const admitted = planned.filter((_, i) => refusals[i] === undefined);
    if (admitted.length === 0) throw refusals[0]!;
    // A failed batch writes nothing and consumes nothing: its reservations go back.
    const release = () => admitted.forEach(({ table, key }) => throughput.release(table, 'write', key.hash, 1));
    const outcomes = await context.services.items.replaceMany(admitted.map(({ table, key, item }) => ({ table, key, next: item }))).catch((error: unknown) => {
      release();
      throw error;
    });
    const capacity = new CapacityByTable();
    // Keyed by table name, and "__proto__" is one: no prototype to set by mistake.
    const metrics: Record<string, ItemCollectionMetrics[]> = Object.create(null);
    admitted.forEach(({ name, table, key }, i) => {
      const outcome = outcomes[i]!;
      capacity.of(table).addWrite(outcome);
      // Per entry only where a partition's bucket or Contributor Insights needs it.
      if (throughput.enforcing || countsAccess(table)) {
        throughput.chargePartition(table, 'write', key.hash, writeUnits(Math.max(outcome.oldSize, outcome.newSize)), key.range);
        throughput.release(table, 'write', key.hash, 1);
      }
      const collection = itemCollectionMetrics(table, key, request.ReturnItemCollectionMetrics, outcome.collectionSizeBytes);
      if (collection !== undefined) (metrics[name] ??= []).push(collection);
    });
    capacity.charge(throughput, 'write');
    const unprocessed: Record<string, WriteRequest[]> = Object.create(null);
    planned.forEach(({ name, table, key, item }, i) => {
      if (refusals[i] === undefined) return;
      (unprocessed[name] ??= []).push(item === undefined ? { DeleteRequest: { Key: keyItem(table, key) } } : { PutRequest: { Item: item } });
    });
    return {
      UnprocessedItems: unprocessed,
      ConsumedCapacity: capacity.report(request.ReturnConsumedCapacity),
      ItemCollectionMetrics: Object.keys(metrics).length === 0 ? undefined : metrics,
    };
  },
});
