import type { Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import { validateKey } from '../../model/validate-value.js';
import { validation } from '../../protocol/errors.js';
import { attributeMap, bool, list, str, struct } from '../../protocol/shape.js';
import type { Projection } from '../../expressions/index.js';
import { readUnits } from '../../engine/capacity.js';
import { itemKey } from '../../engine/item-key.js';
import { StoredItem } from '../../engine/stored-item.js';
import type { TableRecord } from '../../engine/table.js';
import { defineOperation } from '../operation.js';
import {
  attributesToGetMember,
  checkExpressionParameters,
  dataTable,
  expressionAttributeNamesMember,
  resolveKey,
  returnConsumedCapacityMember,
  type ReturnConsumedCapacity,
} from './item-operation.js';
import { CapacityByTable, DUPLICATE_KEYS, keyIdentity, requestEntries, requestItemsMember } from './batch-request.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { projectionOf } from './projection.js';
import { jsonArray, splicedJson } from './spliced-json.js';
import { countsAccess } from '../../features/insights/insight-counter.js';

/** DynamoDB's limit on keys in one BatchGetItem call, over all its tables. */
export const MAX_BATCH_GET_KEYS = 100;
/** Past this much item data a response stops and leaves the remaining keys in UnprocessedKeys. */
export const MAX_BATCH_GET_RESPONSE_BYTES = 16 * 1024 * 1024;

interface KeysAndAttributes {
  /** A null key is kept by the shape check, for the check below. */
  readonly Keys: (Record<string, unknown> | null)[];
  readonly AttributesToGet?: string[];
  readonly ConsistentRead?: boolean;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
}

interface BatchGetItemRequest {
  readonly RequestItems?: Record<string, KeysAndAttributes>;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

/** One table's part of the request, checked and resolved. */
interface TableRead {
  readonly name: string;
  readonly request: KeysAndAttributes;
  readonly projection: Projection | undefined;
  readonly keyValues: Item[];
}

interface ResolvedRead extends TableRead {
  readonly table: TableRecord;
  readonly keys: PrimaryKey[];
}

/** The checks DynamoDB makes before it looks at any table, table by table in request order. */
function checkTableRead(name: string, request: KeysAndAttributes, seenKeys: { count: number }): TableRead {
  checkExpressionParameters(request, ['ProjectionExpression'], ['AttributesToGet']);
  const projection = projectionOf(request);
  const identities = new Set<string>();
  const keyValues = request.Keys.map((raw) => {
    // DynamoDB Local 3.3.1, key by key with the checks below; no recording of
    // DynamoDB was found. (It says the same of an empty key, which DynamoDB
    // refused as not matching the schema in dynalite's recorded tests.)
    if (raw === null) {
      throw validation(`The list of keys in RequestItems for BatchGetItem may not contain null or empty values: ${name} has one or more empty keys`);
    }
    const key = validateKey(raw);
    const identity = keyIdentity(key);
    if (identities.has(identity)) throw validation(DUPLICATE_KEYS);
    identities.add(identity);
    if (++seenKeys.count > MAX_BATCH_GET_KEYS) throw validation('Too many items requested for the BatchGetItem call');
    return key;
  });
  return { name, request, projection, keyValues };
}

interface Answer {
  /** Per table, the JSON texts of the items found. */
  readonly responses: Record<string, string[]>;
  readonly unprocessed: Record<string, Item[]>;
  readonly capacity: CapacityByTable;
  /** The units each key read consumed: [read, key, units]. */
  readonly consumed: [number, number, number][];
}

/**
 * Reads every key from one snapshot, in request order, until the response
 * would pass its size limit; the keys left over, and those `refused` for
 * want of capacity, are unprocessed.
 */
function answer(reads: readonly ResolvedRead[], get: (key: Uint8Array) => Uint8Array | undefined, refused: (read: number, key: number) => boolean): Answer {
  // Keyed by table name, and "__proto__" is one: no prototype to set by mistake.
  const responses: Record<string, string[]> = Object.create(null);
  const unprocessed: Record<string, Item[]> = Object.create(null);
  const capacity = new CapacityByTable();
  const consumed: [number, number, number][] = [];
  let responseBytes = 0;
  let full = false;
  reads.forEach((read, r) => {
    const items: string[] = (responses[read.name] = []);
    read.keys.forEach((key, i) => {
      if (refused(r, i)) {
        (unprocessed[read.name] ??= []).push(read.keyValues[i]!);
        return;
      }
      const bytes = full ? undefined : get(itemKey(read.table.id, key));
      const stored = bytes === undefined ? undefined : StoredItem.of(bytes);
      const size = stored?.size ?? 0;
      // Once one item does not fit, no later key is read either.
      full ||= responseBytes + size > MAX_BATCH_GET_RESPONSE_BYTES;
      if (full) {
        (unprocessed[read.name] ??= []).push(read.keyValues[i]!);
        return;
      }
      responseBytes += size;
      const units = readUnits(size, read.request.ConsistentRead === true);
      capacity.of(read.table).addTable(units);
      consumed.push([r, i, units]);
      if (stored !== undefined) items.push(read.projection === undefined ? stored.text : JSON.stringify(read.projection.apply(stored.item)));
    });
  });
  return { responses, unprocessed, capacity, consumed };
}

/** The unprocessed keys of a table, with the table's read options as the client sent them, ready to resend. */
function unprocessedKeys(reads: readonly ResolvedRead[], unprocessed: Record<string, Item[]>): Record<string, KeysAndAttributes> {
  const out: Record<string, KeysAndAttributes> = Object.create(null);
  for (const { name, request } of reads) {
    const keys = unprocessed[name];
    if (keys !== undefined) out[name] = { ...request, Keys: keys };
  }
  return out;
}

export const batchGetItem = defineOperation<BatchGetItemRequest>({
  name: 'BatchGetItem',
  shape: struct('BatchGetItemInput', {
    // Coral reports these members' errors before those of RequestItems.
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    RequestItems: requestItemsMember(
      struct('KeysAndAttributes', {
        Keys: list(attributeMap(), { required: true, minLength: 1, maxLength: MAX_BATCH_GET_KEYS, valueless: true }),
        AttributesToGet: attributesToGetMember,
        ConsistentRead: bool(),
        ProjectionExpression: str(),
        ExpressionAttributeNames: expressionAttributeNamesMember,
      }),
      'com.amazonaws.dynamodb.v20120810.KeysAndAttributes',
    ),
  }),
  async execute(request, context) {
    const entries = requestEntries(request.RequestItems, 'BatchGetItem');
    const seenKeys = { count: 0 };
    const checked = entries.map(([name, tableRequest]) => checkTableRead(name, tableRequest, seenKeys));
    const reads = checked.map((read): ResolvedRead => {
      const table = dataTable(context, read.name);
      const keys = read.keyValues.map((key) => resolveKey(table, key));
      checkKeyAttributePaths(table, read.projection?.paths ?? []);
      return { ...read, table, keys };
    });
    const { throughput } = context.services;
    // Keys of a table (or partition) out of capacity are left unprocessed; when all are, the whole call is throttled.
    // Each admitted key holds the least a read costs while the next keys are asked.
    const leastUnits = (read: ResolvedRead) => readUnits(0, read.request.ConsistentRead === true);
    const refusals = reads.map((read) => read.keys.map((key) => throughput.reserve(read.table, 'read', key.hash, leastUnits(read), key.range)));
    const refused = refusals.flat();
    const releaseAll = () =>
      reads.forEach((read, r) => read.keys.forEach((key, i) => refusals[r]![i] === undefined && throughput.release(read.table, 'read', key.hash, leastUnits(read))));
    if (refused.every((refusal) => refusal !== undefined)) throw refused[0]!;
    const { responses, unprocessed, capacity, consumed } = await context.services.storage
      .read((tx) => answer(reads, (key) => tx.get(key), (r, i) => refusals[r]![i] !== undefined))
      .finally(releaseAll);
    capacity.charge(throughput, 'read');
    // Per key only where a partition's bucket or Contributor Insights needs it.
    for (const [r, i, units] of consumed) {
      const { table, keys } = reads[r]!;
      if (throughput.enforcing || countsAccess(table)) throughput.chargePartition(table, 'read', keys[i]!.hash, units, keys[i]!.range);
    }
    const tables: Record<string, string> = Object.create(null);
    for (const [name, texts] of Object.entries(responses)) tables[name] = jsonArray(texts);
    return splicedJson(
      { Responses: splicedJson(tables).text },
      { UnprocessedKeys: unprocessedKeys(reads, unprocessed), ConsumedCapacity: capacity.report(request.ReturnConsumedCapacity) },
    );
  },
});
