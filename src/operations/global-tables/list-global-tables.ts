/**
 * ListGlobalTables (version 2017.11.29): the account's global tables by
 * name, a page at a time, those with a replica in RegionName when it is
 * given. Live DynamoDB answers a RegionName it does not serve with a 500
 * (DDB-GLOBALTABLE-004); here any region may hold tables, and one without
 * replicas lists none.
 */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { legacyReplicas } from './legacy-group.js';

interface ListGlobalTablesRequest {
  readonly ExclusiveStartGlobalTableName?: string;
  readonly Limit?: number;
  readonly RegionName?: string;
}

/** "If you do not specify this parameter, DynamoDB defaults to 100" (API reference). */
const DEFAULT_LIMIT = 100;

export const listGlobalTables = defineOperation<ListGlobalTablesRequest>({
  name: 'ListGlobalTables',
  shape: struct('ListGlobalTablesInput', {
    ExclusiveStartGlobalTableName: str({ minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
    Limit: int({ min: 1 }),
    RegionName: str(),
  }),
  execute(request, { namespace, services }) {
    const { catalog } = services;
    const start = request.ExclusiveStartGlobalTableName;
    const names = [...new Set(catalog.tablesOf(namespace.account).filter((table) => table.legacyGlobalTable !== undefined).map((table) => table.TableName))]
      .filter((name) => start === undefined || name > start)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const globalTables = names
      .map((name) => legacyReplicas(catalog, namespace.account, name))
      .filter((replicas) => replicas.length > 0 && (request.RegionName === undefined || replicas.some((replica) => replica.region === request.RegionName)));
    const limit = request.Limit ?? DEFAULT_LIMIT;
    const page = globalTables.slice(0, limit).map((replicas) => ({
      GlobalTableName: replicas[0]!.TableName,
      ReplicationGroup: replicas.map((replica) => ({ RegionName: replica.region })),
    }));
    return globalTables.length > limit ? { GlobalTables: page, LastEvaluatedGlobalTableName: page[page.length - 1]!.GlobalTableName } : { GlobalTables: page };
  },
});
