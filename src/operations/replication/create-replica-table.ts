/**
 * CreateReplicaTable: a new replica's table in this region, CREATING until
 * the source's copy ends (SetReplicaActive). Asked again for a table that is
 * already the source's replica, it changes nothing, so the source may repeat
 * a request that failed elsewhere.
 */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { changeReplicas, createReplicaTable as createTable } from '../../features/replication/replica-group.js';
import { parseDefinition } from './peer-documents.js';

interface CreateReplicaTableRequest {
  readonly TableName: string;
  readonly SourceRegion: string;
  /** The table's definition (JSON): as the source's, with the replicas it lists. */
  readonly Definition: string;
}

export const createReplicaTable = defineOperation<CreateReplicaTableRequest>({
  name: 'CreateReplicaTable',
  shape: struct('CreateReplicaTableInput', {
    TableName: str({ required: true }),
    SourceRegion: str({ required: true }),
    Definition: str({ required: true }),
  }),
  async execute(request, { namespace, services }) {
    const definition = parseDefinition(request.Definition);
    if (definition.TableName !== request.TableName) throw validation('The definition names another table');
    await changeReplicas(services, (group) => {
      const existing = group.current(namespace, request.TableName);
      if (existing === undefined) return createTable(group, namespace, definition);
      if (existing.Replicas?.some((replica) => replica.RegionName === request.SourceRegion) !== true) {
        throw validation(`Failed to create a the new replica of table with name: '${request.TableName}' because one or more replicas already existed as tables.`);
      }
      return existing;
    });
    return {};
  },
});
