/**
 * DescribeScalingPolicies: a namespace's scaling policies, by resource id,
 * dimension and name, filtered by PolicyNames, ResourceId and ScalableDimension.
 */
import { defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { listPolicies } from '../../features/autoscaling/scaling-store.js';
import { maxResultsMember, nextTokenMember, resourceIdMember, scalableDimensionMember, serviceNamespaceMember } from './scalable-target-request.js';
import { resultPage } from './result-pages.js';

interface DescribeScalingPoliciesRequest {
  readonly PolicyNames?: readonly string[];
  readonly ServiceNamespace: string;
  readonly ResourceId?: string;
  readonly ScalableDimension?: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

const shape = struct('DescribeScalingPoliciesRequest', {
  PolicyNames: list(str({ minLength: 1, maxLength: 1600 }), { maxLength: 50 }),
  ServiceNamespace: serviceNamespaceMember,
  ResourceId: resourceIdMember(false),
  ScalableDimension: scalableDimensionMember(false),
  MaxResults: maxResultsMember,
  NextToken: nextTokenMember,
});

export const describeScalingPolicies = defineOperation<DescribeScalingPoliciesRequest>({
  name: 'DescribeScalingPolicies',
  shape,
  async execute(request, { namespace, services }) {
    const stored = request.ServiceNamespace === 'dynamodb' ? await services.storage.read((tx) => listPolicies(tx, namespace)) : [];
    const wanted = stored.filter(
      (policy) =>
        (request.PolicyNames === undefined || request.PolicyNames.length === 0 || request.PolicyNames.includes(policy.PolicyName)) &&
        (request.ResourceId === undefined || policy.ResourceId === request.ResourceId) &&
        (request.ScalableDimension === undefined || policy.ScalableDimension === request.ScalableDimension),
    );
    const page = resultPage(wanted, (policy) => policy.PolicyARN, request, 10);
    const ScalingPolicies = page.items.map((policy) => {
      const { PolicyARN, PolicyName, ServiceNamespace, ResourceId, ScalableDimension, PolicyType, TargetTrackingScalingPolicyConfiguration, CreationTime } = policy;
      // No alarms: see PutScalingPolicy.
      return { PolicyARN, PolicyName, ServiceNamespace, ResourceId, ScalableDimension, PolicyType, TargetTrackingScalingPolicyConfiguration, Alarms: [], CreationTime };
    });
    return { ScalingPolicies, ...(page.NextToken === undefined ? {} : { NextToken: page.NextToken }) };
  },
});
