/** Resolving a table ARN of the tagging operations to a table of the caller's namespace. */
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';

const TABLE_ARN = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;

/** A well-formed table ARN, split into its parts. */
export interface TableArn {
  readonly arn: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

/** A malformed ARN is a ValidationException, checked before anything else of the request. */
export function parseTableArn(arn: string): TableArn {
  const match = TABLE_ARN.exec(arn);
  if (match === null) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  const [, region, account, name] = match as unknown as [string, string, string, string];
  return { arn, region, account, name };
}

/**
 * The table an ARN names. Another account's table is not the caller's to see
 * (AccessDeniedException); a table of another region or none at all is not
 * found, in the words live DynamoDB uses for all three tagging operations
 * (ack-api-quirks lab, DDB-TABLE-070, 2026; dynalite's older recordings still
 * had "ResourcArn"). ListTagsOfResource answers AccessDeniedException for a
 * missing table instead, as the conformance suite pins.
 */
export function tableOfArn({ arn, region, account, name }: TableArn, action: string, { namespace, services }: OperationContext): TableRecord {
  const denied = () =>
    new DynamoError(
      'AccessDeniedException',
      `User: arn:aws:iam::${namespace.account}:root is not authorized to perform: dynamodb:${action} on resource: ${arn}`,
    );
  if (account !== namespace.account) throw denied();
  const table = region === namespace.region ? services.catalog.get(namespace, name) : undefined;
  if (table === undefined) {
    if (action === 'ListTagsOfResource') throw denied();
    throw new DynamoError('ResourceNotFoundException', `Requested resource not found: ResourceArn: ${arn} not found`);
  }
  return table;
}
