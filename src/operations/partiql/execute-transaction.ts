/**
 * ExecuteTransaction: up to 100 statements, all reads or all writes, all or
 * nothing. The writes run as one storage transaction through the same
 * machinery as TransactWriteItems (one cancellation reason per statement,
 * ClientRequestToken idempotency, twice the plain capacity).
 */
import { validation } from '../../protocol/errors.js';
import { list, str, struct } from '../../protocol/shape.js';
import { StepFailures } from '../../engine/items.js';
import { idempotencyKey } from '../../engine/keyspace.js';
import { planWrite, prepare, runSelect, statementFailure, type Prepared } from '../../partiql/index.js';
import { defineOperation, type OperationContext } from '../operation.js';
import { returnConsumedCapacityMember, returnValuesOnConditionCheckFailureMember, type ReturnConsumedCapacity } from '../items/item-operation.js';
import { checkDistinctItems, NO_REASON, TransactionCapacity, transactionCanceled } from '../items/transaction.js';
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

function checkStatements(prepared: readonly Prepared[]): void {
  prepared.forEach(({ statement }, i) => {
    if (statement.kind !== 'select' && statement.kind !== 'insert' && statement.returning !== undefined) {
      throw validation(`Validation failed in TransactStatements[${i}]: RETURNING clause is not supported in ExecuteTransaction.`);
    }
    if (statement.kind === 'select' && statement.target.index !== undefined) {
      throw validation(`Validation failed in TransactStatements[${i}]: Reads on indices are not supported within transactions.`);
    }
  });
  const reads = prepared.filter(({ statement }) => statement.kind === 'select').length;
  if (reads > 0 && reads < prepared.length) throw validation(MIXED_TRANSACTION);
}

async function readAll(context: OperationContext, prepared: readonly Prepared[], mode: ReturnConsumedCapacity | undefined) {
  const capacity = new TransactionCapacity();
  const responses = [];
  for (const { text, statement, binding } of prepared) {
    if (statement.kind !== 'select') continue;
    const outcome = await runSelect(context, statement, binding, { text, consistent: true });
    capacity.addRead(outcome.table, outcome.bytesRead);
    responses.push({ Item: outcome.items[0] });
  }
  return { Responses: responses, ConsumedCapacity: capacity.report(mode) };
}

async function writeAll(context: OperationContext, request: ExecuteTransactionRequest, prepared: readonly Prepared[]) {
  const plans = prepared.map(({ statement, binding }, i) => {
    if (statement.kind === 'select') throw validation(MIXED_TRANSACTION);
    const options = request.TransactStatements[i] as ParameterizedStatement;
    return planWrite(context, statement, binding, { returnValuesOnConditionCheckFailure: options.ReturnValuesOnConditionCheckFailure });
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
  let outcomes;
  try {
    ({ outcomes } = await context.services.items.writeMany(plans, claim));
  } catch (error) {
    if (error instanceof StepFailures) {
      throw transactionCanceled(error.failures.map((failure) => (failure === undefined ? NO_REASON : statementFailure(failure))));
    }
    throw error;
  }
  const capacity = new TransactionCapacity();
  outcomes.forEach((outcome, i) => capacity.addWrite((plans[i] as (typeof plans)[number]).table, outcome));
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
    const prepared = request.TransactStatements.map((statement) => prepare(statement));
    checkStatements(prepared);
    if (prepared.every(({ statement }) => statement.kind === 'select')) return readAll(context, prepared, request.ReturnConsumedCapacity);
    return writeAll(context, request, prepared);
  },
});
