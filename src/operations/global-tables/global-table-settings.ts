/**
 * The settings of a version 2017.11.29 global table's replicas, as
 * DescribeGlobalTableSettings and UpdateGlobalTableSettings answer them:
 * each replica's billing mode, provisioned capacity and table class from
 * its table's record, with the auto scaling of each capacity
 * (auto-scaling-settings.ts), in the shape of the AWS CLI's recorded
 * example of describe-global-table-settings.
 */
import type { Services } from '../../engine/services.js';
import type { TableRecord } from '../../engine/table.js';
import { billingModeSummary, lastSwitchToPayPerRequest, tableClassSummary } from '../tables/table-description.js';
import { replicaScaling } from './auto-scaling-settings.js';

/** A capacity never given auto scaling, as that example shows it. */
const UNSET = { AutoScalingDisabled: true };

export async function globalTableSettings(services: Services, replicas: readonly TableRecord[]): Promise<Record<string, unknown>> {
  const scaling = await services.storage.read((tx) => replicas.map((replica) => replicaScaling(tx, replica, UNSET)));
  return {
    GlobalTableName: replicas[0]!.TableName,
    ReplicaSettings: replicas.map((replica, i) => {
      const { read, write, indexes } = scaling[i]!;
      const { BillingModeSummary } = billingModeSummary(replica, lastSwitchToPayPerRequest(replica));
      const { TableClassSummary } = tableClassSummary(replica);
      return {
        RegionName: replica.region,
        ReplicaStatus: replica.TableStatus,
        ...(BillingModeSummary !== undefined ? { ReplicaBillingModeSummary: BillingModeSummary } : {}),
        ReplicaProvisionedReadCapacityUnits: replica.ProvisionedThroughput.ReadCapacityUnits,
        ReplicaProvisionedReadCapacityAutoScalingSettings: read,
        ReplicaProvisionedWriteCapacityUnits: replica.ProvisionedThroughput.WriteCapacityUnits,
        ReplicaProvisionedWriteCapacityAutoScalingSettings: write,
        ...(indexes.length > 0
          ? {
              ReplicaGlobalSecondaryIndexSettings: indexes.map(({ index, read: indexRead, write: indexWrite }) => ({
                IndexName: index.IndexName,
                IndexStatus: index.IndexStatus,
                ProvisionedReadCapacityUnits: index.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
                ProvisionedReadCapacityAutoScalingSettings: indexRead,
                ProvisionedWriteCapacityUnits: index.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
                ProvisionedWriteCapacityAutoScalingSettings: indexWrite,
              })),
            }
          : {}),
        ...(TableClassSummary !== undefined ? { ReplicaTableClassSummary: TableClassSummary } : {}),
      };
    }),
  };
}
