/** UpdateReplicaSettings: a replica's own settings (ReplicaUpdates Update) on this region's replica: its table, or its entry for that replica. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { changeReplicas } from '../../features/replication/replica-group.js';
import { applyReplicaSettings } from '../tables/replica-updates.js';
import { parseReplicaUpdate } from './peer-documents.js';

interface UpdateReplicaSettingsRequest {
  readonly TableName: string;
  /** The update as the request named it (JSON), checked where it was made. */
  readonly Replica: string;
}

export const updateReplicaSettings = defineOperation<UpdateReplicaSettingsRequest>({
  name: 'UpdateReplicaSettings',
  shape: struct('UpdateReplicaSettingsInput', { TableName: str({ required: true }), Replica: str({ required: true }) }),
  async execute(request, { namespace, services }) {
    const update = parseReplicaUpdate(request.Replica);
    await changeReplicas(services, (group) => {
      const member = group.current(namespace, request.TableName);
      if (member !== undefined) applyReplicaSettings(group, [member], update);
    });
    return {};
  },
});
