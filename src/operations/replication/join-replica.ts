/** JoinReplica: this region's replica learns of a new one, which it then sends its changes to (replica-group.ts, joinReplica). */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { changeReplicas, joinReplica } from '../../features/replication/replica-group.js';
import { tableNotFound } from '../tables/table-access.js';
import { parseReplicaEntry } from './peer-documents.js';

interface JoinReplicaRequest {
  readonly TableName: string;
  /** The new replica's entry (JSON). */
  readonly Replica: string;
  /** The region whose table the new replica is copied from. */
  readonly From: string;
}

export const joinReplicaOperation = defineOperation<JoinReplicaRequest>({
  name: 'JoinReplica',
  shape: struct('JoinReplicaInput', { TableName: str({ required: true }), Replica: str({ required: true }), From: str({ required: true }) }),
  async execute(request, { namespace, services }) {
    const entry = parseReplicaEntry(request.Replica);
    await changeReplicas(services, (group) => {
      const member = group.current(namespace, request.TableName);
      if (member === undefined) throw tableNotFound(request.TableName);
      joinReplica(group, member, entry, request.From);
    });
    return {};
  },
});
