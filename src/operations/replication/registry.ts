/**
 * Dynalith's own API between servers holding replicas of one global table
 * (`X-Amz-Target: DynalithReplication_20261208.<name>`, features/replication/peers.ts):
 * not DynamoDB's, and used by no client but a peer. Each call is signed for
 * the region of the replica it concerns, which is the namespace it acts in.
 */
import { operationTable } from '../operation-table.js';

export const findReplicationOperation = operationTable({
  ApplyReplicatedChanges: async () => (await import('./apply-replicated-changes.js')).applyReplicatedChanges,
  CreateReplicaTable: async () => (await import('./create-replica-table.js')).createReplicaTable,
  JoinReplica: async () => (await import('./join-replica.js')).joinReplicaOperation,
  SetReplicaActive: async () => (await import('./set-replica-active.js')).setReplicaActive,
  LeaveReplica: async () => (await import('./leave-replica.js')).leaveReplicaOperation,
  UpdateReplicaSettings: async () => (await import('./update-replica-settings.js')).updateReplicaSettings,
  SyncTableSettings: async () => (await import('./sync-table-settings.js')).syncTableSettings,
  ForwardRequest: async () => (await import('./forward-request.js')).forwardRequest,
});
