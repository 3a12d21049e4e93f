/** SetReplicaActive: a replica's copy is done; this region's replica shows it ACTIVE (or, being it, turns ACTIVE). A table gone meanwhile has nothing to show. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { changeReplicas, markReplicaActive } from '../../features/replication/replica-group.js';

interface SetReplicaActiveRequest {
  readonly TableName: string;
  readonly RegionName: string;
}

export const setReplicaActive = defineOperation<SetReplicaActiveRequest>({
  name: 'SetReplicaActive',
  shape: struct('SetReplicaActiveInput', { TableName: str({ required: true }), RegionName: str({ required: true }) }),
  async execute(request, { namespace, services }) {
    await changeReplicas(services, (group) => {
      const member = group.current(namespace, request.TableName);
      if (member !== undefined) markReplicaActive(group, member, request.RegionName);
    });
    return {};
  },
});
