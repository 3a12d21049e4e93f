/**
 * TransactWriteItems: up to 100 Put, Update, Delete and ConditionCheck
 * actions on distinct items, applied all or nothing in one storage
 * transaction (conditions are evaluated inside it, so transactions are
 * serialisable with each other and with single-item writes).
 *
 * Where DynamoDB reports a fault: the request's shape, one action kind per
 * entry, attribute values, a put's item size, expressions, the 4 MB total and
 * the tables are plain ValidationException / ResourceNotFoundException for
 * the whole request; two actions on one item and a condition reaching into a
 * key attribute too. A key that does not match its table's schema (the first
 * such action only), and whatever an action's apply step refuses (condition,
 * an Update of or into a key attribute, index key values, an updated item's
 * size), become that action's cancellation reason.
 */
import { createHash } from 'node:crypto';
import type { Item } from '../../model/attribute-value.js';
import { ITEM_TOO_LARGE, attributeValueSize, itemSize, MAX_ITEM_SIZE } from '../../model/item-size.js';
import { keyFromItem, type PrimaryKey } from '../../model/primary-key.js';
import { validateItem, validateKey } from '../../model/validate-value.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { attributeMap, list, str, struct } from '../../protocol/shape.js';
import { requestExpressions, type Filter, type Update } from '../../expressions/index.js';
import { idempotencyKey } from '../../engine/keyspace.js';
import { checkIndexKeys } from '../../engine/indexes.js';
import { UNCHANGED, type ApplyResult, type WriteStep } from '../../engine/items.js';
import type { TableRecord } from '../../engine/table.js';
import { defineOperation } from '../operation.js';
import { tableNameMember } from '../common-shapes.js';
import {
  assertCondition,
  conditionOf,
  dataTable,
  expressionAttributeNamesMember,
  expressionAttributeValuesMember,
  itemCollectionMetrics,
  resolveKey,
  returnConsumedCapacityMember,
  returnItemCollectionMetricsMember,
  returnValuesOnConditionCheckFailureMember,
  tableKeySchema,
  updatedItem,
  type ReturnConsumedCapacity,
} from './item-operation.js';
import { checkKeyAttributePaths } from './key-paths.js';
import { admitTransaction, resolvedKeys, runTransaction, TransactionCapacity } from './transaction.js';

export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

interface ActionMembers {
  readonly TableName: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

interface PutAction extends ActionMembers {
  readonly Item: Record<string, unknown>;
}

interface KeyedAction extends ActionMembers {
  readonly Key: Record<string, unknown>;
}

interface UpdateAction extends KeyedAction {
  readonly UpdateExpression: string;
}

interface TransactWriteItem {
  readonly Put?: PutAction;
  readonly Update?: UpdateAction;
  readonly Delete?: KeyedAction;
  readonly ConditionCheck?: KeyedAction;
}

interface TransactWriteItemsRequest {
  readonly TransactItems: TransactWriteItem[];
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
  readonly ReturnItemCollectionMetrics?: string;
  readonly ClientRequestToken?: string;
}

const actionMembers = {
  TableName: tableNameMember,
  ConditionExpression: str(),
  ExpressionAttributeNames: expressionAttributeNamesMember,
  ExpressionAttributeValues: expressionAttributeValuesMember,
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
};

const keyMember = attributeMap({ required: true });

const NO_ACTION = 'Invalid Request: TransactWriteRequest should contain Delete or Put or Update request';
const SEVERAL_ACTIONS = 'TransactItems can only contain one of Check, Put, Update or Delete';
/**
 * DynamoDB Local 3.3.1's text, which counts the payload up to the action that
 * crosses 4 MB; live DynamoDB's contains "size cannot exceed" (ScyllaDB
 * Alternator's test_transact_write_items_put_5MB, run against DynamoDB).
 */
const tooLarge = (bytes: number) => `Transaction payload size cannot exceed 4MB. Payload Size: ${bytes}`;
// The one key fault DynamoDB answers for the whole request rather than as an action's reason.
const EMPTY_KEY_VALUE = 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty';

type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

/** An action after the checks that need no table: its values and bound expressions. */
interface CheckedAction {
  readonly kind: Kind;
  readonly members: ActionMembers;
  /** Put: the item; the others: the key values as given. */
  readonly values: Item;
  readonly condition: Filter | undefined;
  readonly update: Update | undefined;
}

function kindOf(entry: TransactWriteItem): Kind {
  const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((kind) => entry[kind] !== undefined);
  if (kinds.length === 0) throw validation(NO_ACTION);
  if (kinds.length > 1) throw validation(SEVERAL_ACTIONS);
  return kinds[0]!;
}

/** Bytes an action adds to the transaction's payload, for the 4 MB limit. */
function payloadBytes(action: CheckedAction): number {
  const values = Object.values(action.members.ExpressionAttributeValues ?? {}) as Parameters<typeof attributeValueSize>[0][];
  return itemSize(action.values) + values.reduce((sum, value) => sum + attributeValueSize(value), 0);
}

function checkAction(entry: TransactWriteItem): CheckedAction {
  const kind = kindOf(entry);
  const members = entry[kind]!;
  let values: Item;
  if (kind === 'Put') {
    values = validateItem((members as PutAction).Item);
    if (itemSize(values) > MAX_ITEM_SIZE) throw validation(ITEM_TOO_LARGE);
  } else {
    values = validateKey((members as KeyedAction).Key);
  }
  const expressions = requestExpressions(members.ExpressionAttributeNames, members.ExpressionAttributeValues);
  const update = kind === 'Update' ? expressions.update((members as UpdateAction).UpdateExpression) : undefined;
  const condition = conditionOf(members, expressions);
  expressions.finish();
  return { kind, members, values, condition, update };
}

/** The pure step DynamoDB's action takes over the item it targets. */
function applyOf(action: CheckedAction, table: TableRecord, key: PrimaryKey): (old: Item | undefined) => ApplyResult {
  const { kind, members, condition, update } = action;
  return (old) => {
    assertCondition(condition, members, old);
    switch (kind) {
      case 'ConditionCheck':
        return UNCHANGED;
      case 'Delete':
        return undefined;
      case 'Put':
        checkIndexKeys(table, action.values);
        return action.values;
      case 'Update':
        return updatedItem(table, key, update, old);
    }
  };
}

function keyOf(action: CheckedAction, table: TableRecord): PrimaryKey {
  return action.kind === 'Put' ? keyFromItem(action.values, tableKeySchema(table)) : resolveKey(table, action.values);
}

/** Resolves each action's key, or the error that becomes its cancellation reason. */
function resolveKeys(actions: readonly CheckedAction[], tables: readonly TableRecord[]): (PrimaryKey | DynamoError)[] {
  return actions.map((action, i) => {
    try {
      return keyOf(action, tables[i]!);
    } catch (error) {
      if (!(error instanceof DynamoError) || error.message.startsWith(EMPTY_KEY_VALUE)) throw error;
      return error;
    }
  });
}

/** Equal for two requests exactly when they ask for the same actions. */
function fingerprint(request: TransactWriteItemsRequest): string {
  return createHash('sha256').update(JSON.stringify(request.TransactItems)).digest('base64');
}

type ItemCollectionMetrics = NonNullable<ReturnType<typeof itemCollectionMetrics>>;

export const transactWriteItems = defineOperation<TransactWriteItemsRequest>({
  name: 'TransactWriteItems',
  shape: struct('TransactWriteItemsInput', {
    TransactItems: list(
      struct('TransactWriteItem', {
        ConditionCheck: struct('ConditionCheck', { Key: keyMember, ...actionMembers, ConditionExpression: str({ required: true }) }),
        Put: struct('Put', { Item: attributeMap({ required: true }), ...actionMembers }),
        Delete: struct('Delete', { Key: keyMember, ...actionMembers }),
        Update: struct('Update', { Key: keyMember, UpdateExpression: str({ required: true }), ...actionMembers }),
      }),
      { required: true, minLength: 1, maxLength: MAX_TRANSACTION_ACTIONS },
    ),
    ReturnConsumedCapacity: returnConsumedCapacityMember,
    ReturnItemCollectionMetrics: returnItemCollectionMetricsMember,
    ClientRequestToken: str({ minLength: 1, maxLength: 36 }),
  }),
  async execute(request, context) {
    const actions = request.TransactItems.map(checkAction);
    let payload = 0;
    for (const action of actions) {
      payload += payloadBytes(action);
      if (payload > MAX_TRANSACTION_BYTES) throw validation(tooLarge(payload));
    }
    const tables = actions.map((action) => dataTable(context, action.members.TableName));
    // For the whole request, ConditionCheck too (DynamoDB Local 3.3.1 refuses
    // these paths in Put, Update and Delete only, but its transactions differ
    // from DynamoDB's elsewhere, e.g. it lists one reason for two actions).
    actions.forEach((action, i) => checkKeyAttributePaths(tables[i]!, action.condition?.paths ?? []));
    const keys = resolveKeys(actions, tables);
    const resolved = resolvedKeys(tables, keys);
    const steps: WriteStep[] = actions.map((action, i) => ({
      table: tables[i]!,
      key: resolved[i]!,
      apply: applyOf(action, tables[i]!, resolved[i]!),
    }));
    const { namespace } = context;
    const token = request.ClientRequestToken;
    const claim =
      token === undefined
        ? undefined
        : { key: idempotencyKey(namespace.account, namespace.region, token), fingerprint: fingerprint(request), now: Date.now() };
    admitTransaction(context.services.throughput, 'write', steps);
    const { outcomes } = await runTransaction(context.services.items, steps, claim);
    const capacity = new TransactionCapacity();
    const metrics: Record<string, ItemCollectionMetrics[]> = {};
    outcomes.forEach((outcome, i) => {
      const table = tables[i]!;
      capacity.addWrite(table, outcome);
      if (actions[i]!.kind === 'ConditionCheck') return;
      const collection = itemCollectionMetrics(table, resolved[i]!, request.ReturnItemCollectionMetrics, outcome.collectionSizeBytes);
      if (collection !== undefined) (metrics[table.TableName] ??= []).push(collection);
    });
    capacity.charge(context.services.throughput, 'write');
    return {
      ConsumedCapacity: capacity.report(request.ReturnConsumedCapacity),
      ItemCollectionMetrics: Object.keys(metrics).length === 0 ? undefined : metrics,
    };
  },
});
