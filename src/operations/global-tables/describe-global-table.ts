/** DescribeGlobalTable (version 2017.11.29): the global table's GlobalTableDescription; version 2019.11.21 groups are not its (DDB-GLOBALTABLE-001). */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { globalTableDescription, globalTableNameMember, globalTableNotFound, legacyReplicas } from './legacy-group.js';

interface DescribeGlobalTableRequest {
  readonly GlobalTableName: string;
}

export const describeGlobalTable = defineOperation<DescribeGlobalTableRequest>({
  name: 'DescribeGlobalTable',
  shape: struct('DescribeGlobalTableInput', { GlobalTableName: globalTableNameMember }),
  execute(request, { namespace, services }) {
    const replicas = legacyReplicas(services.catalog, namespace.account, request.GlobalTableName);
    if (replicas.length === 0) throw globalTableNotFound(request.GlobalTableName, true);
    return { GlobalTableDescription: globalTableDescription(replicas) };
  },
});
