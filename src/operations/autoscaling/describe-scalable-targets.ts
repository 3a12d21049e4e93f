/**
 * DescribeScalableTargets: a namespace's scalable targets, by resource id and
 * dimension, filtered by ResourceIds and ScalableDimension. Namespaces other
 * than dynamodb have none here.
 */
import { defineOperation } from '../operation.js';
import { list, struct } from '../../protocol/shape.js';
import { listTargets, type ScalableTargetRecord } from '../../features/autoscaling/scaling-store.js';
import { maxResultsMember, nextTokenMember, resourceIdMember, scalableDimensionMember, serviceNamespaceMember } from './scalable-target-request.js';
import { resultPage } from './result-pages.js';

interface DescribeScalableTargetsRequest {
  readonly ServiceNamespace: string;
  readonly ResourceIds?: readonly string[];
  readonly ScalableDimension?: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

const shape = struct('DescribeScalableTargetsRequest', {
  ServiceNamespace: serviceNamespaceMember,
  ResourceIds: list(resourceIdMember(false), { maxLength: 50 }),
  ScalableDimension: scalableDimensionMember(false),
  MaxResults: maxResultsMember,
  NextToken: nextTokenMember,
});

/** A target as the API shows it. */
function scalableTarget(target: ScalableTargetRecord): object {
  const { ServiceNamespace, ResourceId, ScalableDimension, MinCapacity, MaxCapacity, RoleARN, CreationTime, SuspendedState, ScalableTargetARN } = target;
  return { ServiceNamespace, ResourceId, ScalableDimension, MinCapacity, MaxCapacity, RoleARN, CreationTime, SuspendedState, ScalableTargetARN };
}

export const describeScalableTargets = defineOperation<DescribeScalableTargetsRequest>({
  name: 'DescribeScalableTargets',
  shape,
  async execute(request, { namespace, services }) {
    const stored = request.ServiceNamespace === 'dynamodb' ? await services.storage.read((tx) => listTargets(tx, namespace)) : [];
    const wanted = stored.filter(
      (target) =>
        (request.ResourceIds === undefined || request.ResourceIds.length === 0 || request.ResourceIds.includes(target.ResourceId)) &&
        (request.ScalableDimension === undefined || target.ScalableDimension === request.ScalableDimension),
    );
    const page = resultPage(wanted, (target) => `${target.ResourceId}\u0000${target.ScalableDimension}`, request, 50);
    return { ScalableTargets: page.items.map(scalableTarget), ...(page.NextToken === undefined ? {} : { NextToken: page.NextToken }) };
  },
});
