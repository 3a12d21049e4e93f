/** Resolving a table ARN of the tagging operations to a table of the caller's namespace. */
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import type { OperationContext } from '../operation.js';

const TABLE_ARN = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;

/**
 * The table `arn` names. A malformed ARN is a ValidationException; another
 * account's table is not the caller's to see (AccessDeniedException); a table
 * of another region or none at all is not found — except that DynamoDB
 * answers ListTagsOfResource on a missing table with AccessDeniedException,
 * as no policy can grant access to a resource that does not exist.
 */
export function tableByArn(arn: string, action: string, { namespace, services }: OperationContext): TableRecord {
  const match = TABLE_ARN.exec(arn);
  if (match === null) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  const [, region, account, name] = match as unknown as [string, string, string, string];
  const denied = () =>
    new DynamoError(
      'AccessDeniedException',
      `User: arn:aws:iam::${namespace.account}:root is not authorized to perform: dynamodb:${action} on resource: ${arn}`,
    );
  if (account !== namespace.account) throw denied();
  const table = region === namespace.region ? services.catalog.get(namespace, name) : undefined;
  if (table === undefined) {
    if (action === 'ListTagsOfResource') throw denied();
    throw new DynamoError('ResourceNotFoundException', `Requested resource not found: ResourcArn: ${arn} not found`);
  }
  return table;
}
