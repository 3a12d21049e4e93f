/**
 * ExecuteTransaction: up to 100 statements, all reads or all writes, all or
 * nothing. The writes (EXISTS condition checks among them) run as one
 * storage transaction through the same machinery as TransactWriteItems (one
 * cancellation reason per statement, ClientRequestToken idempotency, twice
 * the plain capacity); the reads, each of one item by its key, read one
 * snapshot like TransactGetItems, within the same 4 MB response limit.
 */
import type { Item } from '../../model/attribute-value.js';
import { itemSize } from '../../model/item-size.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { list, str, struct } from '../../protocol/shape.js';
import { idempotencyKey } from '../../engine/keyspace.js';
import { conjuncts, equalities, planWrite, prepare, project, statementKey, type Prepared } from '../../partiql/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import {
  dataTable,
  keyAttributeNames,
  returnConsumedCapacityMember,
  returnValuesOnConditionCheckFailureMember,
  tableKeySchema,
  type ReturnConsumedCapacity,
} from '../items/item-operation.js';
import { admitTransaction, checkDistinctItems, readItems, runTransaction, TransactionCapacity, type ItemTarget } from '../items/transaction.js';
import { parametersMember, statementMember } from './execute-statement.js';

interface ParameterizedStatement {
  readonly Statement: string;
  readonly Parameters?: unknown[];
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

interface ExecuteTransactionRequest {
  readonly TransactStatements: ParameterizedStatement[];
  readonly ClientRequestToken?: string;
  readonly ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export const MIXED_TRANSACTION = 'ExecuteTransaction API does not support both read and write operations in the same request.';
export const UNKEYED_TRANSACTION_READ = 'Select statements within ExecuteTransaction must specify the primary key in the where clause.';

/** A statement's own fault, named as DynamoDB names it. */
function statementFault(i: number, message: string): DynamoError {
  return validation(`Validation failed in TransactStatements[${i}]: ${message}`);
}

/** Runs a statement's own check, naming the statement in its validation fault. */
function inStatement<T>(i: number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DynamoError && error.type === 'ValidationException') throw statementFault(i, error.message);
    throw error;
  }
}

function checkStatements(prepared: readonly Prepared[]): void {
  prepared.forEach(({ statement }, i) => {
    if ((statement.kind === 'update' || statement.kind === 'delete') && statement.returning !== undefined) {
      throw statementFault(i, 'RETURNING clause is not supported in ExecuteTransaction.');
    }
    if (statement.kind === 'select' && statement.target.index !== undefined) {
      throw statementFault(i, 'Reads on indices are not supported within transactions.');
    }
    if (statement.kind === 'exists' && statement.target.index !== undefined) {
      throw statementFault(i, 'Operations on indices are not supported in transactions');
    }
  });
  const reads = prepared.filter(({ statement }) => statement.kind === 'select').length;
  if (reads > 0 && reads < prepared.length) throw validation(MIXED_TRANSACTION);
}

/** A transactional SELECT names one item by equalities on its key attributes and nothing else. */
function readTarget(context: OperationContext, { statement, binding }: Prepared): ItemTarget {
  if (statement.kind !== 'select') throw validation(MIXED_TRANSACTION);
  const table = dataTable(context, statement.target.table);
  const keyNames = keyAttributeNames(tableKeySchema(table));
  const pinned = equalities(statement.where, binding);
  const where = conjuncts(statement.where);
  if (!keyNames.every((name) => pinned.has(name)) || where.length !== keyNames.length) throw validation(UNKEYED_TRANSACTION_READ);
  return { table, key: statementKey(table, statement, binding) };
}

async function readAll(context: OperationContext, prepared: readonly Prepared[], mode: ReturnConsumedCapacity | undefined) {
  const targets = prepared.map((statement, i) => inStatement(i, () => readTarget(context, statement)));
  checkDistinctItems(targets);
  const capacity = new TransactionCapacity();
  admitTransaction(context.services.throughput, 'read', targets);
  const { responses, storedSizes } = await readItems<{ Item?: Item }>(context.services.storage, targets, (stored, i) => {
    const { statement, binding } = prepared[i]!;
    if (stored === undefined || statement.kind !== 'select') return { response: {}, size: 0 };
    const item = project(statement, binding, stored.item);
    return { response: { Item: item }, size: statement.projection === undefined ? stored.size : itemSize(item) };
  });
  storedSizes.forEach((size, i) => capacity.addRead(targets[i]!.table, size));
  capacity.charge(context.services.throughput, 'read');
  return { Responses: responses, ConsumedCapacity: capacity.report(mode) };
}

async function writeAll(context: OperationContext, request: ExecuteTransactionRequest, prepared: readonly Prepared[]) {
  const plans = prepared.map(({ statement, binding }, i) => {
    if (statement.kind === 'select') throw validation(MIXED_TRANSACTION);
    const options = request.TransactStatements[i] as ParameterizedStatement;
    const plan = () => planWrite(context, statement, binding, { returnValuesOnConditionCheckFailure: options.ReturnValuesOnConditionCheckFailure });
    return statement.kind === 'exists' ? inStatement(i, plan) : plan();
  });
  checkDistinctItems(plans);
  const token = request.ClientRequestToken;
  const claim =
    token === undefined
      ? undefined
      : {
          key: idempotencyKey(context.namespace.account, context.namespace.region, token),
          fingerprint: JSON.stringify(['ExecuteTransaction', request.TransactStatements]),
          now: Date.now(),
        };
  admitTransaction(context.services.throughput, 'write', plans);
  const { outcomes } = await runTransaction(context.services.items, plans, claim);
  const capacity = new TransactionCapacity();
  outcomes.forEach((outcome, i) => capacity.addWrite(plans[i]!.table, outcome));
  capacity.charge(context.services.throughput, 'write');
  return { Responses: plans.map(() => ({})), ConsumedCapacity: capacity.report(request.ReturnConsumedCapacity) };
}

export const executeTransaction = defineOperation<ExecuteTransactionRequest>({
  name: 'ExecuteTransaction',
  shape: struct('ExecuteTransactionInput', {
    TransactStatements: list(
      struct('ParameterizedStatement', {
        Statement: statementMember,
        Parameters: parametersMember,
        ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureMember,
      }),
      { required: true, minLength: 1, maxLength: 100 },
    ),
    ClientRequestToken: str({ minLength: 1, maxLength: 36 }),
    ReturnConsumedCapacity: returnConsumedCapacityMember,
  }),
  async execute(request, context) {
    const prepared = request.TransactStatements.map((statement, i) => prepare(statement, (check) => inStatement(i, check)));
    checkStatements(prepared);
    if (prepared.every(({ statement }) => statement.kind === 'select')) return readAll(context, prepared, request.ReturnConsumedCapacity);
    return writeAll(context, request, prepared);
  },
});
