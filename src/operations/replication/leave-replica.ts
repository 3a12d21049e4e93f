/**
 * LeaveReplica: the replica in a region leaves the global table; this
 * region's replica drops it, or, being it, leaves and is deleted. A table
 * already gone has nothing to do.
 */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { changeReplicas, leaveReplica } from '../../features/replication/replica-group.js';
import type { TableRecord } from '../../engine/table.js';

interface LeaveReplicaRequest {
  readonly TableName: string;
  readonly RegionName: string;
}

export const leaveReplicaOperation = defineOperation<LeaveReplicaRequest>({
  name: 'LeaveReplica',
  shape: struct('LeaveReplicaInput', { TableName: str({ required: true }), RegionName: str({ required: true }) }),
  async execute(request, { namespace, services }) {
    const left = await changeReplicas(services, (group): TableRecord | undefined => {
      const member = group.current(namespace, request.TableName);
      return member !== undefined && leaveReplica(group, member, request.RegionName) ? member : undefined;
    });
    if (left !== undefined) await services.catalog.delete(left);
    return {};
  },
});
