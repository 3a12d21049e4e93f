/**
 * Request members the control-plane operations share, declared as DynamoDB's
 * front end declares them (member order is the order Coral reports errors in).
 */
import { bool, list, long, str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import type { WarmThroughput } from '../../engine/table.js';

export const attributeDefinitionsMember = (required: boolean) =>
  list(
    struct('AttributeDefinition', {
      AttributeName: str({ required: true, minLength: 1, maxLength: 255 }),
      AttributeType: str({ required: true, enum: ['B', 'N', 'S'] }),
    }),
    { required },
  );

const keySchemaElement = struct('KeySchemaElement', {
  AttributeName: str({ required: true, minLength: 1, maxLength: 255 }),
  KeyType: str({ required: true, enum: ['HASH', 'RANGE'] }),
});

/** A table's or a local index's key: Coral still refuses three elements with "less than or equal to 2" (conformance suite, recorded live). */
export const keySchemaMember = list(keySchemaElement, { required: true, minLength: 1, maxLength: 2 });

/**
 * A global index's key may combine up to four HASH and four RANGE attributes
 * (multi-attribute keys, November 2025). The API model (botocore 1.43) gives
 * its KeySchema no maximum, so longer lists reach the operation's own checks.
 */
export const globalKeySchemaMember = list(keySchemaElement, { required: true, minLength: 1 });

export const billingModeMember = str({ enum: ['PROVISIONED', 'PAY_PER_REQUEST'] });

export const provisionedThroughputMember = (required = false) =>
  struct(
    'ProvisionedThroughput',
    {
      WriteCapacityUnits: long({ required: true, min: 1 }),
      ReadCapacityUnits: long({ required: true, min: 1 }),
    },
    { required },
  );

export const onDemandThroughputMember = struct('OnDemandThroughput', {
  MaxReadRequestUnits: long(),
  MaxWriteRequestUnits: long(),
});

export const warmThroughputMember = struct('WarmThroughput', {
  ReadUnitsPerSecond: long({ min: 1 }),
  WriteUnitsPerSecond: long({ min: 1 }),
});

export const indexNameMember = str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN });

export const projectionMember = struct(
  'Projection',
  {
    ProjectionType: str({ enum: ['ALL', 'INCLUDE', 'KEYS_ONLY'] }),
    NonKeyAttributes: list(str({ minLength: 1, maxLength: 255 }), { minLength: 1, maxLength: 20 }),
  },
  { required: true },
);

export const globalSecondaryIndexMember = struct('GlobalSecondaryIndex', {
  IndexName: indexNameMember,
  KeySchema: globalKeySchemaMember,
  Projection: projectionMember,
  ProvisionedThroughput: provisionedThroughputMember(),
  OnDemandThroughput: onDemandThroughputMember,
  WarmThroughput: warmThroughputMember,
});

export const localSecondaryIndexMember = struct('LocalSecondaryIndex', {
  IndexName: indexNameMember,
  KeySchema: keySchemaMember,
  Projection: projectionMember,
});

export const streamSpecificationMember = struct('StreamSpecification', {
  StreamEnabled: bool({ required: true }),
  StreamViewType: str({ enum: ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] }),
});

export const sseSpecificationMember = struct('SSESpecification', {
  Enabled: bool(),
  SSEType: str({ enum: ['AES256', 'KMS'] }),
  KMSMasterKeyId: str(),
});

export const tableClassMember = str({ enum: ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] });

/**
 * Coral checks no more than the JSON kinds of a tag: a missing, empty, long or
 * ill-formed key or value gets the tagging rules' own messages (tag-rules.ts).
 */
export const tagsMember = (required: boolean) => list(struct('Tag', { Key: str(), Value: str() }), { required });

export const resourceArnMember = str({ required: true, minLength: 1, maxLength: 1283 });

/** Typed forms of the members above, as the operations receive them. */
export interface KeySchemaInput {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinitionInput {
  readonly AttributeName: string;
  readonly AttributeType: 'S' | 'N' | 'B';
}

export interface ThroughputInput {
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
}

export interface ProjectionInput {
  readonly ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly NonKeyAttributes?: readonly string[];
}

export interface OnDemandThroughputInput {
  readonly MaxReadRequestUnits?: number;
  readonly MaxWriteRequestUnits?: number;
}

export interface IndexInput {
  readonly IndexName: string;
  readonly KeySchema: readonly KeySchemaInput[];
  readonly Projection: ProjectionInput;
  readonly ProvisionedThroughput?: ThroughputInput;
  readonly OnDemandThroughput?: OnDemandThroughputInput;
  readonly WarmThroughput?: WarmThroughput;
}

export interface StreamSpecificationInput {
  readonly StreamEnabled: boolean;
  readonly StreamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
}

export interface SseSpecificationInput {
  readonly Enabled?: boolean;
  readonly SSEType?: 'AES256' | 'KMS';
  readonly KMSMasterKeyId?: string;
}

/** A tag as sent: its members are only known to be strings until the tagging rules have checked them. */
export interface TagInput {
  readonly Key?: string;
  readonly Value?: string;
}
