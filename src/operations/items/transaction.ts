/**
 * What the transactional operations share (TransactWriteItems, TransactGetItems,
 * and PartiQL's ExecuteTransaction): DynamoDB's TransactionCanceledException
 * with one CancellationReason per action in request order, running planned
 * write steps as one all-or-nothing storage transaction, reading items from
 * one snapshot, the duplicate-item rule, and transactional capacity (twice the units of the plain operation).
 */
import type { Item } from '../../model/attribute-value.js';
import type { PrimaryKey } from '../../model/primary-key.js';
import { StorageContention } from '../../storage/faults.js';
import type { Access, ThroughputLimits } from '../../features/capacity/throughput-limits.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { readUnits, writeUnits, type ItemWrite } from '../../engine/capacity.js';
import { StepFailures, type ItemStore, type ManyOutcome, type WriteStep } from '../../engine/items.js';
import type { IdempotencyClaim } from '../../engine/idempotency.js';
import { itemKey } from '../../engine/item-key.js';
import { StoredItem } from '../../engine/stored-item.js';
import type { Storage } from '../../storage/storage.js';
import type { TableRecord } from '../../engine/table.js';
import { CapacityByTable, keyIdentity } from './batch-request.js';
import { keyItem } from './item-operation.js';

export interface CancellationReason {
  readonly Code: string;
  readonly Message?: string;
  readonly Item?: Item;
}

export const NO_REASON: CancellationReason = { Code: 'None' };

/** DynamoDB's message for a write that meets an ongoing transaction on its item. */
export const TRANSACTION_ONGOING = 'Transaction is ongoing for the item';

export const MULTIPLE_OPERATIONS_ON_ONE_ITEM = 'Transaction request cannot include multiple operations on one item';

const REASON_CODES: Partial<Record<DynamoError['type'], string>> = {
  ConditionalCheckFailedException: 'ConditionalCheckFailed',
  ValidationException: 'ValidationError',
  ItemCollectionSizeLimitExceededException: 'ItemCollectionSizeLimitExceeded',
  TransactionConflictException: 'TransactionConflict',
  ProvisionedThroughputExceededException: 'ProvisionedThroughputExceeded',
  ThrottlingException: 'ThrottlingError',
  DuplicateItemException: 'DuplicateItem',
  // Faults only a PartiQL statement reports per statement (BatchExecuteStatement's Error).
  ResourceNotFoundException: 'ResourceNotFound',
  RequestLimitExceeded: 'RequestLimitExceeded',
  AccessDeniedException: 'AccessDenied',
  InternalServerError: 'InternalServerError',
};

/** The reason an action's error gives: code, DynamoDB's message, and the old item a failed condition carries. */
export function cancellationReason(error: DynamoError | undefined): CancellationReason {
  if (error === undefined) return NO_REASON;
  const code = REASON_CODES[error.type] ?? 'InternalError';
  const item = error.extra?.Item as Item | undefined;
  return item === undefined ? { Code: code, Message: error.message } : { Code: code, Message: error.message, Item: item };
}

/** TransactionCanceledException for the given reasons (one per action, in request order). */
export function transactionCanceled(reasons: readonly CancellationReason[]): DynamoError {
  return new DynamoError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

/**
 * Refuses a transaction one of whose actions finds its table, its partition
 * or (a write) an index it may write out of capacity: TransactionCanceledException
 * with that action's ProvisionedThroughputExceeded or ThrottlingError reason,
 * None for the others (the TransactWriteItems API reference lists both codes).
 */
export function admitTransaction(throughput: ThroughputLimits, access: Access, targets: readonly ItemTarget[]): void {
  const refusals = targets.map(({ table, key }) => throughput.refusal(table, access, { partition: key.hash, sort: key.range }));
  if (refusals.some((refusal) => refusal !== undefined)) throw transactionCanceled(refusals.map(cancellationReason));
}

/**
 * Runs the steps (one per action, in request order) in one storage
 * transaction. If any step fails, nothing is applied and the promise rejects
 * with TransactionCanceledException carrying every action's reason.
 */
export async function runTransaction(
  items: ItemStore,
  steps: readonly WriteStep[],
  idempotency?: IdempotencyClaim,
): Promise<ManyOutcome> {
  try {
    return await items.writeMany(steps, idempotency);
  } catch (error) {
    if (error instanceof StepFailures) throw transactionCanceled(error.failures.map(cancellationReason));
    // Concurrent transactions kept winning (a database backend's serialisation failures past every retry).
    if (error instanceof StorageContention) throw transactionCanceled(steps.map(() => ({ Code: 'TransactionConflict', Message: TRANSACTION_ONGOING })));
    throw error;
  }
}

export interface ItemTarget {
  readonly table: TableRecord;
  readonly key: PrimaryKey;
}

/**
 * Refuses two actions on one item (same table, same key), as DynamoDB does
 * before running any; BatchExecuteStatement says so in its own words.
 */
export function checkDistinctItems(targets: readonly ItemTarget[], message = MULTIPLE_OPERATIONS_ON_ONE_ITEM): void {
  const seen = new Set<string>();
  for (const { table, key } of targets) {
    const identity = `${table.id}:${keyIdentity(keyItem(table, key))}`;
    if (seen.has(identity)) throw validation(message);
    seen.add(identity);
  }
}

/** What a transactional read answers for one item: the response entry and the size of the item it holds. */
export interface ReadResponse<T> {
  readonly response: T;
  /** The DynamoDB size of the item answered (after any projection); 0 for none. */
  readonly size: number;
}

/** The most a transactional read may answer: "the aggregate size of the items in the transaction cannot exceed 4 MB". */
const MAX_READ_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * DynamoDB Local 3.3.1 counts each Get as 4 bytes plus the size of the item it
 * answers (a missing item only the 4), refuses once the running total passes
 * 4 MB, and names that total. No response of live DynamoDB to an oversized
 * transactional read was found; this follows DynamoDB Local.
 */
const RESPONSE_ENTRY_BYTES = 4;

/**
 * A transactional read: the items under the targets, all from one storage
 * snapshot, each turned into its response by `respond` as it is read, so an
 * answer past the 4 MB limit is refused before the rest is read or rendered.
 */
export function readItems<T>(
  storage: Storage,
  targets: readonly ItemTarget[],
  respond: (stored: StoredItem | undefined, index: number) => ReadResponse<T>,
): Promise<{ readonly responses: T[]; readonly storedSizes: number[] }> {
  return storage.read((tx) => {
    let total = 0;
    const storedSizes: number[] = [];
    const responses = targets.map(({ table, key }, i) => {
      const bytes = tx.get(itemKey(table.id, key));
      const stored = bytes === undefined ? undefined : StoredItem.of(bytes);
      storedSizes.push(stored?.size ?? 0);
      const { response, size } = respond(stored, i);
      total += RESPONSE_ENTRY_BYTES + size;
      if (total > MAX_READ_RESPONSE_BYTES) throw validation(`Payload in response is too large.${total}`);
      return response;
    });
    return { responses, storedSizes };
  });
}

/**
 * The actions' keys once every one resolved. `keys` holds, per action, its
 * key or the error resolving it gave. Two actions on one item are refused
 * first (for the keys that resolved); then a key error cancels the
 * transaction before any action runs. DynamoDB stops validating at the
 * first such error: that action's reason is the error, every other one's
 * None, even another invalid action's (alternator's tests, recorded against
 * DynamoDB).
 */
export function resolvedKeys(tables: readonly TableRecord[], keys: readonly (PrimaryKey | DynamoError)[]): PrimaryKey[] {
  checkDistinctItems(keys.flatMap((key, i) => (key instanceof DynamoError ? [] : [{ table: tables[i]!, key }])));
  const first = keys.findIndex((key) => key instanceof DynamoError);
  if (first >= 0) {
    throw transactionCanceled(keys.map((key, i) => (i === first ? cancellationReason(key as DynamoError) : NO_REASON)));
  }
  return keys as PrimaryKey[];
}

/**
 * Capacity of a transaction, per table: the table is charged twice the units
 * of the plain read or write; index entries a write moves cost what they cost
 * outside a transaction (what DynamoDB reports: a transactional put of an
 * indexed item is table 2, index 1).
 */
export class TransactionCapacity extends CapacityByTable {
  addWrite(table: TableRecord, write: ItemWrite): void {
    this.of(table).addWrite(write).addTable(writeUnits(Math.max(write.oldSize, write.newSize)));
  }

  addRead(table: TableRecord, sizeBytes: number): void {
    this.of(table).addTable(2 * readUnits(sizeBytes, true));
  }
}
