/**
 * What DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling
 * share: the version 2019.11.21 global table a table belongs to, and its
 * TableAutoScalingDescription, every replica's auto scaling settings in
 * Application Auto Scaling of its own region (auto-scaling-settings.ts).
 */
import { DynamoError } from '../../protocol/errors.js';
import type { Catalog } from '../../engine/catalog.js';
import type { Services } from '../../engine/services.js';
import type { TableRecord } from '../../engine/table.js';
import type { Namespace } from '../operation.js';
import { otherReplicas } from '../../features/replication/replica-group.js';
import { replicaScaling } from './auto-scaling-settings.js';

/**
 * The table, then its other replicas. A table without replicas, or none,
 * answers alike, in words recorded live (ack-api-quirks DynamoDB lab,
 * DDB-TABLE-187); a version 2017.11.29 replica too, the operations applying
 * "only to Version 2019.11.21 of global tables" (their API reference).
 */
export function replicaGroup(catalog: Catalog, namespace: Namespace, name: string): TableRecord[] {
  const table = catalog.get(namespace, name);
  if (table === undefined || table.TableStatus === 'DELETING' || table.legacyGlobalTable !== undefined || (table.Replicas?.length ?? 0) === 0) {
    throw new DynamoError('ResourceNotFoundException', `Global table with name: '${name}' does not exist.`);
  }
  return [table, ...otherReplicas({ current: (ns, other) => catalog.get(ns, other) }, table)];
}

/** A capacity never given auto scaling (recorded, DDB-TABLE-189). */
const UNSET = { AutoScalingDisabled: true, ScalingPolicies: [] };

/**
 * Every replica, itself included, by region (both regions recorded answering
 * in that order, DDB-TABLE-189); a replica's global indexes once ACTIVE
 * (DDB-TABLE-254: absent while CREATING).
 */
export async function tableAutoScalingDescription(services: Services, group: readonly TableRecord[]): Promise<Record<string, unknown>> {
  const table = group[0]!;
  const statusOf = (replica: TableRecord) =>
    replica.region === table.region ? table.TableStatus : (table.Replicas?.find((entry) => entry.RegionName === replica.region)?.ReplicaStatus ?? replica.TableStatus);
  const described = await services.storage.read((tx) => group.map((replica) => ({ replica, scaling: replicaScaling(tx, replica, UNSET) })));
  described.sort((a, b) => (a.replica.region < b.replica.region ? -1 : a.replica.region > b.replica.region ? 1 : 0));
  return {
    TableName: table.TableName,
    TableStatus: table.TableStatus,
    Replicas: described.map(({ replica, scaling }) => ({
      RegionName: replica.region,
      GlobalSecondaryIndexes: scaling.indexes
        .filter(({ index }) => index.IndexStatus === 'ACTIVE')
        .map(({ index, read, write }) => ({
          IndexName: index.IndexName,
          IndexStatus: index.IndexStatus,
          ProvisionedReadCapacityAutoScalingSettings: read,
          ProvisionedWriteCapacityAutoScalingSettings: write,
        })),
      ReplicaProvisionedReadCapacityAutoScalingSettings: scaling.read,
      ReplicaProvisionedWriteCapacityAutoScalingSettings: scaling.write,
      ReplicaStatus: statusOf(replica),
    })),
  };
}
