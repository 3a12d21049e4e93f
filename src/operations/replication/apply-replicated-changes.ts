/** ApplyReplicatedChanges: another region's changes to this region's replica, applied last writer wins. */
import { defineOperation } from '../operation.js';
import { attributeMap, bool, double, list, str, struct } from '../../protocol/shape.js';
import { applyReplicated } from '../../features/replication/apply-replicated.js';
import { fromWire, type WireChange } from '../../features/replication/peers.js';

interface ApplyReplicatedChangesRequest {
  readonly TableName: string;
  readonly SourceRegion: string;
  readonly Changes: readonly WireChange[];
}

export const applyReplicatedChanges = defineOperation<ApplyReplicatedChangesRequest>({
  name: 'ApplyReplicatedChanges',
  shape: struct('ApplyReplicatedChangesInput', {
    TableName: str({ required: true }),
    SourceRegion: str({ required: true }),
    Changes: list(
      struct('ReplicatedChange', {
        Key: attributeMap({ required: true }),
        Item: attributeMap(),
        At: double({ required: true }),
        Region: str({ required: true }),
        Ttl: bool(),
      }),
      { required: true },
    ),
  }),
  async execute(request, { namespace, services }) {
    const target = { account: namespace.account, region: namespace.region, TableName: request.TableName };
    return { Applied: await applyReplicated(services, target, request.SourceRegion, request.Changes.map(fromWire)) };
  },
});
