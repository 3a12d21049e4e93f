/**
 * INSERT, UPDATE and DELETE as planned item writes: the target item's key
 * and the pure apply step over its old state, run by ItemStore.write alone
 * (ExecuteStatement, BatchExecuteStatement) or with others in one storage
 * transaction (ExecuteTransaction).
 *
 * INSERT is not an upsert: an existing item is a DuplicateItemException.
 * UPDATE needs the item to exist and the whole WHERE clause to hold on it;
 * DELETE of a missing item does nothing, of an existing one needs the WHERE
 * clause to hold. Either failure is a ConditionalCheckFailedException.
 * EXISTS (ExecuteTransaction only) is a condition check that writes nothing.
 */
import type { Item } from '../model/attribute-value.js';
import { ITEM_TOO_LARGE, itemSize, MAX_ITEM_SIZE } from '../model/item-size.js';
import { keyFromItem, type PrimaryKey } from '../model/primary-key.js';
import { validateItem } from '../model/validate-value.js';
import { DynamoError, validation } from '../protocol/errors.js';
import { checkIndexKeys } from '../engine/indexes.js';
import { UNCHANGED, type ApplyResult, type WriteOutcome } from '../engine/items.js';
import type { TableRecord } from '../engine/table.js';
import type { OperationContext } from '../operations/operation.js';
import { dataTable, keyAttributeNames, updatedAttributes, resolveKey, tableKeySchema } from '../operations/items/item-operation.js';
import type { DocumentPath } from '../expressions/document-path.js';
import type { ConditionNode } from '../expressions/ast.js';
import type { DeleteStatement, ExistsStatement, InsertStatement, Returning, Statement, UpdateStatement, WriteStatement } from './ast.js';
import { conjuncts, equalities, resolveValue, type Binding } from './bind.js';
import { setOwn } from '../model/own-property.js';

export const DUPLICATE_ITEM = 'Duplicate primary key exists in table';
export const KEY_EQUALITY_REQUIRED = 'Where clause does not contain a mandatory equality on all key attributes';
export const EXISTS_SINGLE_ITEM = 'EXISTS() must contain a single item read with additional condition';
const ITEM_TOO_LARGE_TO_UPDATE = 'Item size to update has exceeded the maximum allowed size';

export interface WritePlan {
  readonly table: TableRecord;
  readonly key: PrimaryKey;
  readonly apply: (old: Item | undefined) => ApplyResult;
  /** The items the statement returns (its RETURNING clause) once the write is done. */
  readonly returned: (outcome: WriteOutcome) => Item[];
}

export interface WriteOptions {
  readonly returnValuesOnConditionCheckFailure?: string;
}

function conditionFailed(old: Item | undefined, options: WriteOptions): DynamoError {
  const withItem = options.returnValuesOnConditionCheckFailure === 'ALL_OLD' && old !== undefined;
  return new DynamoError('ConditionalCheckFailedException', 'The conditional request failed', withItem ? { Item: old } : undefined);
}

/** The one item a WHERE clause addresses: it must pin every key attribute with `=`. */
function addressedKey(table: TableRecord, where: ConditionNode | undefined, binding: Binding): PrimaryKey {
  const pinned = equalities(where, binding);
  const key: Item = {};
  for (const name of keyAttributeNames(tableKeySchema(table))) {
    const value = pinned.get(name);
    if (value === undefined) throw validation(KEY_EQUALITY_REQUIRED);
    setOwn(key, name, value);
  }
  return resolveKey(table, key);
}

const returnedItem = (item: Item | undefined): Item[] => (item === undefined || Object.keys(item).length === 0 ? [] : [item]);

function returning(clause: Returning | undefined, updated: readonly DocumentPath[]): (outcome: WriteOutcome) => Item[] {
  switch (clause) {
    case 'ALL OLD':
      return (outcome) => returnedItem(outcome.old);
    case 'ALL NEW':
      return (outcome) => returnedItem(outcome.item);
    case 'MODIFIED OLD':
      return (outcome) => returnedItem(updatedAttributes(outcome.old, updated));
    case 'MODIFIED NEW':
      return (outcome) => returnedItem(updatedAttributes(outcome.item, updated));
    default:
      return () => [];
  }
}

/** The item an INSERT writes, normalised as every write's values are (canonical numbers, sorted set members). */
function insertedItem(statement: InsertStatement, binding: Binding): Item {
  const value = resolveValue(statement.item, binding.parameters);
  return validateItem(value !== undefined && 'M' in value ? value.M : {});
}

/** The one item a statement writes or reads, as the duplicate-item rules of batches and transactions see it. */
export function statementKey(table: TableRecord, statement: Statement, binding: Binding): PrimaryKey {
  switch (statement.kind) {
    case 'insert':
      return keyFromItem(insertedItem(statement, binding), tableKeySchema(table));
    case 'exists':
      return addressedKey(table, statement.select.where, binding);
    default:
      return addressedKey(table, statement.where, binding);
  }
}

function planInsert(table: TableRecord, statement: InsertStatement, binding: Binding): WritePlan {
  const item = insertedItem(statement, binding);
  if (itemSize(item) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE);
  const key = keyFromItem(item, tableKeySchema(table));
  checkIndexKeys(table, item);
  return {
    table,
    key,
    apply: (old) => {
      if (old !== undefined) throw new DynamoError('DuplicateItemException', DUPLICATE_ITEM);
      return item;
    },
    returned: () => [],
  };
}

function planUpdate(table: TableRecord, statement: UpdateStatement, binding: Binding, options: WriteOptions): WritePlan {
  const update = binding.update(statement.update, keyAttributeNames(tableKeySchema(table)));
  const condition = statement.where === undefined ? undefined : binding.condition(statement.where);
  const key = addressedKey(table, statement.where, binding);
  return {
    table,
    key,
    apply: (old) => {
      if (old === undefined || (condition !== undefined && !condition(old))) throw conditionFailed(old, options);
      const next = update(old);
      checkIndexKeys(table, next, old);
      if (itemSize(next) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE_TO_UPDATE);
      return next;
    },
    returned: returning(statement.returning, binding.updatedPaths(statement.update)),
  };
}

function planDelete(table: TableRecord, statement: DeleteStatement, binding: Binding, options: WriteOptions): WritePlan {
  if (statement.returning !== undefined && statement.returning !== 'ALL OLD') {
    throw validation(`Invalid returning clause: RETURNING ${statement.returning} *. Only RETURNING ALL OLD * is allowed in DELETE statements.`);
  }
  const condition = statement.where === undefined ? undefined : binding.condition(statement.where);
  const key = addressedKey(table, statement.where, binding);
  return {
    table,
    key,
    apply: (old) => {
      if (old === undefined) return UNCHANGED;
      if (condition !== undefined && !condition(old)) throw conditionFailed(old, options);
      return undefined;
    },
    returned: returning(statement.returning, []),
  };
}

/**
 * EXISTS names one item by its full key and tests it with at least one more
 * condition; a missing item fails the check like one that does not match.
 */
function planExists(table: TableRecord, statement: ExistsStatement, binding: Binding, options: WriteOptions): WritePlan {
  const { where } = statement.select;
  const keyNames = keyAttributeNames(tableKeySchema(table));
  const pinned = equalities(where, binding);
  if (where === undefined || !keyNames.every((name) => pinned.has(name)) || conjuncts(where).length <= keyNames.length) {
    throw validation(EXISTS_SINGLE_ITEM);
  }
  const condition = binding.condition(where);
  return {
    table,
    key: addressedKey(table, where, binding),
    apply: (old) => {
      if (old === undefined || !condition(old)) throw conditionFailed(old, options);
      return UNCHANGED;
    },
    returned: () => [],
  };
}

export function planWrite(context: OperationContext, statement: WriteStatement, binding: Binding, options: WriteOptions): WritePlan {
  if (statement.target.index !== undefined) throw validation('This operation is not supported on an index');
  const table = dataTable(context, statement.target.table);
  switch (statement.kind) {
    case 'insert':
      return planInsert(table, statement, binding);
    case 'update':
      return planUpdate(table, statement, binding, options);
    case 'delete':
      return planDelete(table, statement, binding, options);
    case 'exists':
      return planExists(table, statement, binding, options);
  }
}
