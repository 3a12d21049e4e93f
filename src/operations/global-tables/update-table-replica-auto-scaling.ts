/**
 * UpdateTableReplicaAutoScaling: sets or disables the auto scaling of a
 * version 2019.11.21 global table's capacities in Application Auto Scaling
 * (auto-scaling-settings.ts): writes of the table and of a global index in
 * every replica's region, reads of each replica named. Everything is checked
 * before anything is set. The refusals' texts were recorded live in the
 * ack-api-quirks DynamoDB lab (DDB-TABLE-253, -254), typographic quotes and all.
 */
import { defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import { tableNameMember } from '../common-shapes.js';
import { indexNameMember } from '../tables/table-shapes.js';
import { applyChange, autoScalingSettingsUpdateMember, checkedChange, checkProvisioned, type AutoScalingSettingsUpdate, type ScalingChange } from './auto-scaling-settings.js';
import { replicaGroup, tableAutoScalingDescription } from './replica-auto-scaling.js';

interface ReplicaAutoScalingUpdate {
  readonly RegionName: string;
  readonly ReplicaGlobalSecondaryIndexUpdates?: readonly { readonly IndexName?: string; readonly ProvisionedReadCapacityAutoScalingUpdate?: AutoScalingSettingsUpdate }[];
  readonly ReplicaProvisionedReadCapacityAutoScalingUpdate?: AutoScalingSettingsUpdate;
}

interface UpdateTableReplicaAutoScalingRequest {
  readonly TableName: string;
  readonly GlobalSecondaryIndexUpdates?: readonly { readonly IndexName?: string; readonly ProvisionedWriteCapacityAutoScalingUpdate?: AutoScalingSettingsUpdate }[];
  readonly ProvisionedWriteCapacityAutoScalingUpdate?: AutoScalingSettingsUpdate;
  readonly ReplicaUpdates?: readonly ReplicaAutoScalingUpdate[];
}

const optionalIndexName = { ...indexNameMember, required: false };

const shape = struct('UpdateTableReplicaAutoScalingInput', {
  TableName: tableNameMember,
  GlobalSecondaryIndexUpdates: list(
    struct('GlobalSecondaryIndexAutoScalingUpdate', { IndexName: optionalIndexName, ProvisionedWriteCapacityAutoScalingUpdate: autoScalingSettingsUpdateMember }),
    { minLength: 1 },
  ),
  ProvisionedWriteCapacityAutoScalingUpdate: autoScalingSettingsUpdateMember,
  ReplicaUpdates: list(
    struct('ReplicaAutoScalingUpdate', {
      RegionName: str({ required: true }),
      ReplicaGlobalSecondaryIndexUpdates: list(
        struct('ReplicaGlobalSecondaryIndexAutoScalingUpdate', { IndexName: optionalIndexName, ProvisionedReadCapacityAutoScalingUpdate: autoScalingSettingsUpdateMember }),
        { minLength: 1 },
      ),
      ReplicaProvisionedReadCapacityAutoScalingUpdate: autoScalingSettingsUpdateMember,
    }),
    { minLength: 1 },
  ),
});

/** Java's rendering of a list, as these messages print one. */
const javaList = (values: readonly (string | undefined)[]) => `[${values.map((value) => value ?? 'null').join(', ')}]`;

function hasActiveIndex(table: TableRecord, name: string | undefined): boolean {
  return table.GlobalSecondaryIndexes.some((index) => index.IndexName === name && index.IndexStatus === 'ACTIVE');
}

/** The changes the request asks for, in every region they apply to, once the regions and indexes it names are found. */
function requestedChanges(request: UpdateTableReplicaAutoScalingRequest, group: readonly TableRecord[]): ScalingChange[] {
  const failed = (reason: string) => `Failed to update settings for global table with name: ‘${request.TableName}’ ${reason}`;
  const regions = (request.ReplicaUpdates ?? []).map((update) => update.RegionName);
  const repeated = [...new Set(regions.filter((region, i) => regions.indexOf(region) !== i))];
  if (repeated.length > 0) throw validation(failed(`because the regions: ‘${javaList(repeated)}’ were specified more than once.`));
  const unknown = regions.filter((region) => !group.some((replica) => replica.region === region));
  if (unknown.length > 0) throw new DynamoError('ResourceNotFoundException', failed(`because a replica does not exist in regions: ‘${javaList(unknown)}’.`));
  const table = group[0]!;
  const missing = (request.GlobalSecondaryIndexUpdates ?? []).map((update) => update.IndexName).filter((name) => !hasActiveIndex(table, name));
  if (missing.length > 0) throw new DynamoError('ResourceNotFoundException', failed(`because the global secondary indexes with names: ‘${javaList(missing)}’ do not exist.`));
  const changes: ScalingChange[] = [];
  for (const { region } of group) {
    const write = request.ProvisionedWriteCapacityAutoScalingUpdate;
    if (write !== undefined) changes.push({ region, access: 'write', update: write });
    for (const index of request.GlobalSecondaryIndexUpdates ?? []) {
      if (index.ProvisionedWriteCapacityAutoScalingUpdate !== undefined) changes.push({ region, indexName: index.IndexName, access: 'write', update: index.ProvisionedWriteCapacityAutoScalingUpdate });
    }
  }
  for (const update of request.ReplicaUpdates ?? []) {
    const { RegionName: region, ReplicaProvisionedReadCapacityAutoScalingUpdate: read, ReplicaGlobalSecondaryIndexUpdates: indexes = [] } = update;
    if (read === undefined && indexes.length === 0) throw validation(failed(`because at least one update parameter must be specified for region: ‘${region}’.`));
    if (read !== undefined) changes.push({ region, access: 'read', update: read });
    const replica = group.find((candidate) => candidate.region === region)!;
    for (const index of indexes) {
      if (!hasActiveIndex(replica, index.IndexName)) {
        throw new DynamoError('ResourceNotFoundException', failed(`because a global secondary index with name: ‘${index.IndexName ?? 'null'}’ does not exist in region: ‘${region}’.`));
      }
      if (index.ProvisionedReadCapacityAutoScalingUpdate !== undefined) changes.push({ region, indexName: index.IndexName, access: 'read', update: index.ProvisionedReadCapacityAutoScalingUpdate });
    }
  }
  return changes;
}

export const updateTableReplicaAutoScaling = defineOperation<UpdateTableReplicaAutoScalingRequest>({
  name: 'UpdateTableReplicaAutoScaling',
  shape,
  async execute(request, { namespace, services }) {
    const group = replicaGroup(services.catalog, namespace, request.TableName);
    const changes = requestedChanges(request, group).map((change) => checkedChange(request.TableName, change));
    checkProvisioned(request.TableName, group, changes);
    for (const change of changes) await applyChange(services, namespace.account, request.TableName, change);
    // The settings as they are now, as the AWS CLI's recorded example answers (the lab saw AWS answer with
    // the settings before a change once, AWS making it after answering; here it is made before).
    return { TableAutoScalingDescription: await tableAutoScalingDescription(services, replicaGroup(services.catalog, namespace, request.TableName)) };
  },
});
