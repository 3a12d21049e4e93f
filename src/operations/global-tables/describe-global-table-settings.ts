/** DescribeGlobalTableSettings (version 2017.11.29): each replica's billing, capacity and auto scaling settings (global-table-settings.ts). */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { globalTableNameMember, globalTableNotFound, legacyReplicas } from './legacy-group.js';
import { globalTableSettings } from './global-table-settings.js';

interface DescribeGlobalTableSettingsRequest {
  readonly GlobalTableName: string;
}

export const describeGlobalTableSettings = defineOperation<DescribeGlobalTableSettingsRequest>({
  name: 'DescribeGlobalTableSettings',
  shape: struct('DescribeGlobalTableSettingsInput', { GlobalTableName: globalTableNameMember }),
  async execute(request, { namespace, services }) {
    const replicas = legacyReplicas(services.catalog, namespace.account, request.GlobalTableName);
    if (replicas.length === 0) throw globalTableNotFound(request.GlobalTableName, false);
    return globalTableSettings(services, replicas);
  },
});
