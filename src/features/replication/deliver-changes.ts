/** Where a replica's changes go: applied here, or sent to the peer serving its region (peers.ts). */
import type { Services } from '../../engine/services.js';
import { applyReplicated, type ReplicatedChange, type ReplicaTarget } from './apply-replicated.js';
import { peerOf, toWire } from './peers.js';

/** False when the replica is not there (not made yet, or gone); a peer that cannot be reached throws. */
export async function deliverChanges(services: Services, target: ReplicaTarget, sourceRegion: string, changes: readonly ReplicatedChange[]): Promise<boolean> {
  const peer = peerOf(services.config, target.region);
  if (peer === undefined) return applyReplicated(services, target, sourceRegion, changes);
  const answer = await peer.call<{ Applied: boolean }>('ApplyReplicatedChanges', { TableName: target.TableName, SourceRegion: sourceRegion, Changes: changes.map(toWire) });
  return answer.Applied;
}
