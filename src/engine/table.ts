/**
 * A table's definition as stored in the catalog. Field names follow the API's
 * TableDescription so that describing a table is a rendering, not a mapping.
 */
import type { KeyType } from '../model/attribute-value.js';
import type { KeyAttribute, KeySchema } from '../model/primary-key.js';

export interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinition {
  readonly AttributeName: string;
  readonly AttributeType: KeyType;
}

export interface Projection {
  readonly ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly NonKeyAttributes?: readonly string[];
}

export interface Throughput {
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
  /** Epoch seconds. */
  readonly LastIncreaseDateTime?: number;
  readonly LastDecreaseDateTime?: number;
  readonly NumberOfDecreasesToday: number;
}

export interface OnDemandThroughput {
  readonly MaxReadRequestUnits?: number;
  readonly MaxWriteRequestUnits?: number;
}

/** Warm throughput a table or index was asked to keep ready (CreateTable/UpdateTable), units a second. */
export interface WarmThroughput {
  readonly ReadUnitsPerSecond?: number;
  readonly WriteUnitsPerSecond?: number;
}

export type IndexStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';

export type ContributorInsightsMode = 'ACCESSED_AND_THROTTLED_KEYS' | 'THROTTLED_KEYS';

/**
 * Contributor Insights on a table or global index, from its first switch on.
 * Kept when switched off: DynamoDB goes on describing the mode and the time
 * of the last change (features/insights/).
 */
export interface ContributorInsightsSetting {
  readonly enabled: boolean;
  readonly mode: ContributorInsightsMode;
  /** Epoch ms of the last change (LastUpdateDateTime). */
  readonly updatedAt: number;
  /** Epoch ms the rules were created at, the suffix of their names. */
  readonly rulesCreatedAt: number;
  /** Epoch ms when ENABLING or DISABLING ends. */
  readonly until: number;
}

export interface IndexRecord {
  /** Internal id, unique across all tables (allocated with table ids): the prefix of the index's entries. */
  readonly id: number;
  readonly IndexName: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly Projection: Projection;
  /** Global indexes only; absent for on-demand tables' indexes and for LSIs. */
  readonly ProvisionedThroughput?: Throughput;
  readonly OnDemandThroughput?: OnDemandThroughput;
  readonly WarmThroughput?: WarmThroughput;
  readonly IndexStatus: IndexStatus;
  readonly Backfilling?: boolean;
  /** Epoch ms when a transitional IndexStatus ends. */
  readonly statusUntil?: number;
  /** Global indexes only. */
  readonly contributorInsights?: ContributorInsightsSetting;
}

export type TableStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE' | 'ARCHIVING' | 'ARCHIVED' | 'INACCESSIBLE_ENCRYPTION_CREDENTIALS';

export interface StreamSpecification {
  readonly StreamEnabled: boolean;
  readonly StreamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
}

/** A table's Time to Live setting while it is enabled. */
export interface TimeToLiveSetting {
  readonly AttributeName: string;
}

/** A table's point-in-time recovery while it is enabled (features/pitr/). */
export interface PointInTimeRecoverySetting {
  readonly RecoveryPeriodInDays: number;
  /**
   * Epoch ms the recovery window never starts before: when PITR was last
   * switched on, or where the window started when its period was last lengthened.
   */
  readonly enabledAt: number;
}

export interface SseDescription {
  readonly Status: 'ENABLED' | 'ENABLING' | 'DISABLED' | 'DISABLING' | 'UPDATING';
  readonly SSEType?: 'KMS' | 'AES256';
  readonly KMSMasterKeyArn?: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export type TableClass = 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';

export interface TableRecord {
  /** Internal id, the prefix of every storage key of this table's data. */
  readonly id: number;
  readonly account: string;
  readonly region: string;
  readonly TableName: string;
  /** The UUID DynamoDB reports as TableId. */
  readonly TableId: string;
  /** Epoch seconds (fractional). */
  readonly CreationDateTime: number;
  readonly TableStatus: TableStatus;
  /** Epoch ms when a transitional TableStatus (CREATING, UPDATING, DELETING) ends. */
  readonly statusUntil?: number;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly AttributeDefinitions: readonly AttributeDefinition[];
  readonly BillingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly LastUpdateToPayPerRequestDateTime?: number;
  /** Epoch seconds of the switches to on-demand in the last 24 hours (DynamoDB allows four in a rolling day). */
  readonly payPerRequestSwitches?: readonly number[];
  readonly ProvisionedThroughput: Throughput;
  readonly OnDemandThroughput?: OnDemandThroughput;
  readonly WarmThroughput?: WarmThroughput;
  readonly LocalSecondaryIndexes: readonly IndexRecord[];
  readonly GlobalSecondaryIndexes: readonly IndexRecord[];
  readonly StreamSpecification?: StreamSpecification;
  readonly LatestStreamLabel?: string;
  /** Present while Time to Live is enabled. */
  readonly TimeToLive?: TimeToLiveSetting;
  readonly contributorInsights?: ContributorInsightsSetting;
  /** Present while point-in-time recovery is enabled. */
  readonly pointInTimeRecovery?: PointInTimeRecoverySetting;
  readonly SSEDescription?: SseDescription;
  readonly TableClass: TableClass;
  readonly TableClassLastUpdate?: number;
  readonly DeletionProtectionEnabled: boolean;
  readonly Tags: readonly Tag[];
  /** A table made by a restore (src/features/backups/); RestoreInProgress while it is CREATING. */
  readonly RestoreSummary?: RestoreSummary;
  /**
   * The ARNs of the backups (and PITR bases) of this table being copied: while
   * there is one, every change of its items is logged, which makes the copy
   * consistent (features/backups/copy-log-reader.ts).
   */
  readonly backupCopies?: readonly string[];
  /**
   * A global table's other replicas (version 2019.11.21): while there is one,
   * every change of an item is logged with its version, and the replicator
   * sends the changes made here to each of them (features/replication/).
   */
  readonly Replicas?: readonly ReplicaRecord[];
  /**
   * Multi-Region strong consistency (features/replication/strong-consistency.ts):
   * the region that orders the table's writes and strong reads, and its witness.
   */
  readonly multiRegionStrong?: { readonly leader: string; readonly witness?: string };
  /**
   * A replica of a global table of version 2017.11.29 (operations/global-tables/):
   * the global table is every table of its name in the account that carries this,
   * and `Replicas` lists the others, as for version 2019.11.21.
   */
  readonly legacyGlobalTable?: LegacyGlobalTable;
}

/** What each replica of a version 2017.11.29 global table records of the global table. */
export interface LegacyGlobalTable {
  /** Epoch seconds (fractional) the global table was created at. */
  readonly CreationDateTime: number;
  /** The replica's place in the replication group: the order CreateGlobalTable named the regions in, then the order they joined. */
  readonly position: number;
  /** A transition (CreateGlobalTable's CREATING, UpdateGlobalTable's UPDATING) and when it ends, epoch ms. */
  readonly transition?: { readonly status: 'CREATING' | 'UPDATING'; readonly until: number };
}

/** One other replica of a global table, as a replica's record lists it (features/replication/). */
export interface ReplicaRecord {
  readonly RegionName: string;
  readonly ReplicaStatus: 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';
  /** While CREATING: how much of the table has been copied to it. */
  readonly ReplicaStatusPercentProgress?: string;
  readonly KMSMasterKeyId?: string;
  /** The replica's own read capacity (and its indexes'), where it differs from the table's. */
  readonly ProvisionedThroughputOverride?: { readonly ReadCapacityUnits?: number };
  readonly OnDemandThroughputOverride?: { readonly MaxReadRequestUnits?: number };
  readonly GlobalSecondaryIndexes?: readonly ReplicaIndexOverride[];
  readonly ReplicaTableClassSummary?: { readonly TableClass: TableClass };
}

/** A replica's own read capacity of one global index. */
export interface ReplicaIndexOverride {
  readonly IndexName: string;
  readonly ProvisionedThroughputOverride?: { readonly ReadCapacityUnits?: number };
  readonly OnDemandThroughputOverride?: { readonly MaxReadRequestUnits?: number };
}

export interface RestoreSummary {
  readonly SourceBackupArn?: string;
  readonly SourceTableArn?: string;
  /** Epoch seconds. */
  readonly RestoreDateTime: number;
  readonly RestoreInProgress: boolean;
}

/** A table's key schema resolved to names and types, as primary-key.ts checks keys against it. */
export function keySchemaOf(
  elements: readonly KeySchemaElement[],
  definitions: readonly AttributeDefinition[],
): KeySchema {
  const {
    partition: [hash],
    sort: [range],
  } = keyPartsOf(elements, definitions);
  if (hash === undefined) throw new Error('key schema without HASH key');
  return range === undefined ? { hash } : { hash, range };
}

/**
 * An index's key schema resolved to names and types: its partition (HASH)
 * and sort (RANGE) attributes in key schema order. A multi-attribute GSI key
 * has up to four of each; a table's and an LSI's have one and at most one.
 */
export function keyPartsOf(
  elements: readonly KeySchemaElement[],
  definitions: readonly AttributeDefinition[],
): { readonly partition: readonly KeyAttribute[]; readonly sort: readonly KeyAttribute[] } {
  const resolve = (element: KeySchemaElement): KeyAttribute => {
    const type = definitions.find((d) => d.AttributeName === element.AttributeName)?.AttributeType;
    if (type === undefined) throw new Error(`no attribute definition for ${element.AttributeName}`);
    return { name: element.AttributeName, type };
  };
  return {
    partition: elements.filter((e) => e.KeyType === 'HASH').map(resolve),
    sort: elements.filter((e) => e.KeyType === 'RANGE').map(resolve),
  };
}

export function tableArn(table: Pick<TableRecord, 'region' | 'account' | 'TableName'>): string {
  return `arn:aws:dynamodb:${table.region}:${table.account}:table/${table.TableName}`;
}

/** A version 2017.11.29 global table's ARN: of the account, in no region (CreateGlobalTable's recorded answers). */
export function globalTableArn(account: string, name: string): string {
  return `arn:aws:dynamodb::${account}:global-table/${name}`;
}
