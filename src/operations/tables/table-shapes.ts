/**
 * Request members the control-plane operations share, declared as DynamoDB's
 * front end declares them (member order is the order Coral reports errors in).
 */
import { bool, list, long, str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';

export const attributeDefinitionsMember = (required: boolean) =>
  list(
    struct('AttributeDefinition', {
      AttributeName: str({ required: true, minLength: 1, maxLength: 255 }),
      AttributeType: str({ required: true, enum: ['B', 'N', 'S'] }),
    }),
    { required },
  );

export const keySchemaMember = list(
  struct('KeySchemaElement', {
    AttributeName: str({ required: true, minLength: 1, maxLength: 255 }),
    KeyType: str({ required: true, enum: ['HASH', 'RANGE'] }),
  }),
  { required: true, minLength: 1, maxLength: 2 },
);

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
  KeySchema: keySchemaMember,
  Projection: projectionMember,
  ProvisionedThroughput: provisionedThroughputMember(),
  OnDemandThroughput: onDemandThroughputMember,
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

export const tagsMember = (required: boolean) =>
  list(
    struct('Tag', {
      Key: str({ required: true, minLength: 1, maxLength: 128 }),
      Value: str({ required: true, minLength: 0, maxLength: 256 }),
    }),
    { required },
  );

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

export interface TagInput {
  readonly Key: string;
  readonly Value: string;
}
