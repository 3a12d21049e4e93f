/**
 * UpdateGlobalTable (version 2017.11.29): links a region's table into the
 * global table (empty, like every replica then: replica-admission.ts) or
 * unlinks one, which stays as a table of its own, each action in turn and
 * all in one catalog transaction (legacy-group.ts).
 */
import { defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { INVALID } from '../tables/key-schema-rules.js';
import { globalTableDescription, globalTableNameMember, globalTableNotFound, join, leave, legacyReplicas, replicaNotFound, transition } from './legacy-group.js';
import { admittedTable, checkEmpty } from './replica-admission.js';

interface ReplicaUpdate {
  readonly Create?: { readonly RegionName: string };
  readonly Delete?: { readonly RegionName: string };
}

interface UpdateGlobalTableRequest {
  readonly GlobalTableName: string;
  readonly ReplicaUpdates: readonly ReplicaUpdate[];
}

const action = (name: string) => struct(name, { RegionName: str({ required: true }) });

const shape = struct('UpdateGlobalTableInput', {
  GlobalTableName: globalTableNameMember,
  ReplicaUpdates: list(struct('ReplicaUpdate', { Create: action('CreateReplicaAction'), Delete: action('DeleteReplicaAction') }), { required: true }),
});

function checkUpdates(updates: readonly ReplicaUpdate[]): void {
  // Recorded live (ack-api-quirks DDB-GLOBALTABLE-004): the bare prefix.
  if (updates.length === 0) throw validation('One or more parameter values were invalid');
  for (const update of updates) {
    // Not found recorded: worded as DynamoDB words the same rule for UpdateTable's index updates.
    if ((update.Create === undefined) === (update.Delete === undefined)) throw validation(`${INVALID}One of ReplicaUpdate.Create, ReplicaUpdate.Delete must be specified`);
  }
}

export const updateGlobalTable = defineOperation<UpdateGlobalTableRequest>({
  name: 'UpdateGlobalTable',
  shape,
  async execute(request, { namespace, services }) {
    checkUpdates(request.ReplicaUpdates);
    const { catalog } = services;
    const name = request.GlobalTableName;
    const { account } = namespace;
    const next = transition('UPDATING', services.config.updateTableMs);
    const { before, after } = await catalog.changeGroup((group) => {
      const replicas = () => legacyReplicas(catalog, account, name, group.current);
      const before = replicas();
      for (const update of request.ReplicaUpdates) {
        const members = replicas();
        // The global table goes with its last replica, so an action after that finds none (the recorded DescribeGlobalTable's words).
        if (members.length === 0) throw globalTableNotFound(name, true);
        if (update.Create !== undefined) {
          const region = update.Create.RegionName;
          if (members.some((member) => member.region === region)) {
            // Not found recorded: worded as the ReplicaNotFoundException (legacy-group.ts).
            throw new DynamoError('ReplicaAlreadyExistsException', `Replica already exists: Replica in region: '${region}' already exists for global table: '${name}'.`);
          }
          const table = admittedTable(group.tx, group.current({ account, region }, name), name, region, members[0]);
          for (const member of members) checkEmpty(group.tx, member);
          join(group, members, [table], next);
        } else {
          const region = update.Delete!.RegionName;
          const leaving = members.find((member) => member.region === region);
          if (leaving === undefined) throw replicaNotFound(name, region);
          leave(group, members, leaving, next);
        }
      }
      return { before, after: replicas() };
    });
    return { GlobalTableDescription: globalTableDescription(after, before[0]) };
  },
});
