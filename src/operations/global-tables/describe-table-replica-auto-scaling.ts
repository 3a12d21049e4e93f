/** DescribeTableReplicaAutoScaling: the auto scaling settings of every replica of a version 2019.11.21 global table. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { tableNameMember } from '../common-shapes.js';
import { replicaGroup, tableAutoScalingDescription } from './replica-auto-scaling.js';

interface DescribeTableReplicaAutoScalingRequest {
  readonly TableName: string;
}

export const describeTableReplicaAutoScaling = defineOperation<DescribeTableReplicaAutoScalingRequest>({
  name: 'DescribeTableReplicaAutoScaling',
  shape: struct('DescribeTableReplicaAutoScalingInput', { TableName: tableNameMember }),
  async execute(request, { namespace, services }) {
    const group = replicaGroup(services.catalog, namespace, request.TableName);
    return { TableAutoScalingDescription: await tableAutoScalingDescription(services, group) };
  },
});
