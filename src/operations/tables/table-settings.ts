/** Stream and encryption settings: checked as DynamoDB checks them, stored as DescribeTable shows them. */
import { validation } from '../../protocol/errors.js';
import type { Namespace } from '../operation.js';
import type { SseDescription, StreamSpecification } from '../../engine/table.js';
import { INVALID } from './key-schema-rules.js';
import type { SseSpecificationInput, StreamSpecificationInput } from './table-shapes.js';

export function checkStreamSpecification(spec: StreamSpecificationInput): StreamSpecification {
  if (spec.StreamEnabled && spec.StreamViewType === undefined) {
    throw validation(`${INVALID}StreamViewType is required when StreamEnabled is true`);
  }
  if (!spec.StreamEnabled && spec.StreamViewType !== undefined) {
    throw validation(`${INVALID}Table is being created with a stream disabled, UpdateViewType should not be specified`);
  }
  return spec.StreamEnabled ? { StreamEnabled: true, StreamViewType: spec.StreamViewType! } : { StreamEnabled: false };
}

/**
 * The encryption a table reports. Disabled (or absent) means an AWS owned key,
 * which DynamoDB does not describe; enabled means a KMS key, named by the
 * request's key id or the account's AWS managed key.
 */
export function sseDescription(spec: SseSpecificationInput | undefined, ns: Namespace): SseDescription | undefined {
  if (spec?.Enabled !== true) return undefined;
  const keyId = spec.KMSMasterKeyId ?? 'alias/aws/dynamodb';
  const resource = keyId.startsWith('alias/') ? keyId : `key/${keyId}`;
  const KMSMasterKeyArn = keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${ns.region}:${ns.account}:${resource}`;
  return { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn };
}
