/**
 * The resource a resource-policy operation's ResourceArn names: a table of
 * the caller's, or its current stream. The refusals are live DynamoDB's, as
 * the ack-api-quirks lab recorded them (DDB-TABLE-212, 2026).
 */
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';
import type { PolicyTarget } from '../../features/resource-policies/policy-store.js';

export interface PolicyResource {
  readonly arn: string;
  readonly table: TableRecord;
  readonly target: PolicyTarget;
  /** How messages name the resource's table. */
  readonly tableName: string;
}

const DYNAMODB_ARN = /^arn:([^:]*):dynamodb:([^:]*):([^:]*):table\/([a-zA-Z0-9_.-]{3,255})(?:\/(.*))?$/;
const invalidParameter = (detail: string) => validation(`One or more parameter values were invalid: ${detail}`);

export function policyResource(arn: string, { namespace, services }: OperationContext): PolicyResource {
  if (!arn.startsWith('arn:')) throw invalidParameter(`ARNs must start with 'arn:': ${arn}`);
  const match = DYNAMODB_ARN.exec(arn);
  if (match === null) throw invalidParameter(`Invalid resource Arn: ${arn}`);
  const [, partition, region, account, name, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (account !== namespace.account) {
    if (/^\d{12}$/.test(account)) throw validation('This action is only supported by accounts that match the resource owner’s account.');
    throw invalidParameter(`Invalid resource Arn: ${arn}`);
  }
  if (partition !== 'aws' || region !== namespace.region) throw invalidParameter(`Invalid resource Arn: ${arn}`);
  let streamLabel: string | undefined;
  if (rest !== undefined) {
    const [kind, label, more] = rest.split('/');
    if (kind === 'index') throw invalidParameter(`Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}`);
    if (kind !== 'stream' || label === undefined || label === '' || more !== undefined) throw invalidParameter(`Provided Arn is not a DynamoDB resource arn: ${arn}`);
    streamLabel = label;
  }
  const table = services.catalog.get(namespace, name);
  if (table === undefined) throw tableGone({ tableName: name });
  if (streamLabel !== undefined && streamLabel !== table.LatestStreamLabel) {
    throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Stream: ${streamLabel} not found for Table: ${name}`);
  }
  return { arn, table, tableName: name, target: streamLabel === undefined ? { tableId: table.id } : { tableId: table.id, streamLabel } };
}

/** The table was deleted while the request ran. */
export function tableGone(resource: Pick<PolicyResource, 'tableName'>): DynamoError {
  return new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${resource.tableName} not found`);
}

/** PolicyNotFoundException's text, with the reason after the ResourceArn prefix when there is one. */
export function policyNotFound(detail: string): DynamoError {
  return new DynamoError('PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: ${detail}`);
}

/** ExpectedRevisionId against the resource's current revision (undefined: no policy); throws PolicyNotFoundException on a mismatch. */
export function checkExpectedRevision(expected: string | undefined, current: string | undefined, resource: PolicyResource): void {
  if (expected === undefined || expected === current) return;
  if (expected === 'NO_POLICY') {
    if (current === undefined) return;
    throw policyNotFound(`Requested policy update expecting none to be present for table ${resource.tableName}, but a policy exists with revision id ${current}.`);
  }
  if (current === undefined) throw policyNotFound(resource.arn);
  throw policyNotFound(`Requested update for policy with revision id ${expected}, but the policy associated to target table ${resource.tableName} has revision id ${current}.`);
}
