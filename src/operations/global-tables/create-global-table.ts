/**
 * CreateGlobalTable (global tables version 2017.11.29): links tables of one
 * name, made before in regions of this server, into one global table in one
 * catalog transaction (legacy-group.ts), once each is found fit
 * (replica-admission.ts). Since 2026 live DynamoDB refuses the operation in
 * every region ("DynamoDB global tables version 2017.11.29 is not
 * supported", ack-api-quirks DynamoDB lab, DDB-GLOBALTABLE-002); this server
 * serves it as its API reference describes, for what is still written against it.
 */
import { defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import type { TableRecord } from '../../engine/table.js';
import { INVALID } from '../tables/key-schema-rules.js';
import { globalTableDescription, globalTableNameMember, join, legacyReplicas, transition } from './legacy-group.js';
import { admittedTable } from './replica-admission.js';

interface CreateGlobalTableRequest {
  readonly GlobalTableName: string;
  readonly ReplicationGroup: readonly { readonly RegionName?: string }[];
}

const shape = struct('CreateGlobalTableInput', {
  GlobalTableName: globalTableNameMember,
  ReplicationGroup: list(struct('Replica', { RegionName: str() }), { required: true }),
});

/** The regions named, each once. UpdateGlobalTable's recorded answer to an empty list (DDB-GLOBALTABLE-004) is its bare prefix; the others were not found recorded. */
function regionsOf(request: CreateGlobalTableRequest): string[] {
  if (request.ReplicationGroup.length === 0) throw validation('One or more parameter values were invalid');
  const regions: string[] = [];
  for (const { RegionName } of request.ReplicationGroup) {
    if (RegionName === undefined) throw validation(`${INVALID}Every replica of the ReplicationGroup needs a RegionName`);
    if (regions.includes(RegionName)) throw validation(`${INVALID}Region: '${RegionName}' is named more than once in the ReplicationGroup`);
    regions.push(RegionName);
  }
  return regions;
}

export const createGlobalTable = defineOperation<CreateGlobalTableRequest>({
  name: 'CreateGlobalTable',
  shape,
  async execute(request, { namespace, services }) {
    const regions = regionsOf(request);
    const { catalog } = services;
    const name = request.GlobalTableName;
    const { account } = namespace;
    const replicas = await catalog.changeGroup((group) => {
      const lookup = group.current;
      // Not found recorded: worded as DynamoDB words the global table it does not find (legacy-group.ts).
      if (legacyReplicas(catalog, account, name, lookup).length > 0) throw new DynamoError('GlobalTableAlreadyExistsException', `Global table with name: '${name}' already exists.`);
      const tables: TableRecord[] = [];
      for (const region of regions) tables.push(admittedTable(group.tx, group.current({ account, region }, name), name, region, tables[0]));
      join(group, [], tables, transition('CREATING', services.config.createTableMs));
      return legacyReplicas(catalog, account, name, lookup);
    });
    return { GlobalTableDescription: globalTableDescription(replicas) };
  },
});
