/** DeleteScalingPolicy: removes a policy; the target stays registered. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { AutoScalingError } from '../../protocol/autoscaling-errors.js';
import { deletePolicy, getPolicy } from '../../features/autoscaling/scaling-store.js';
import { describedTarget, dynamoDbResource, resourceIdMember, scalableDimensionMember, serviceNamespaceMember, targetId, type TargetRequest } from './scalable-target-request.js';

interface DeleteScalingPolicyRequest extends TargetRequest {
  readonly PolicyName: string;
}

const shape = struct('DeleteScalingPolicyRequest', {
  PolicyName: str({ required: true, minLength: 1, maxLength: 1600 }),
  ServiceNamespace: serviceNamespaceMember,
  ResourceId: resourceIdMember(true),
  ScalableDimension: scalableDimensionMember(true),
});

export const deleteScalingPolicy = defineOperation<DeleteScalingPolicyRequest>({
  name: 'DeleteScalingPolicy',
  shape,
  async execute(request, { namespace, services }) {
    dynamoDbResource(request);
    const id = targetId(request);
    const found = await services.storage.write((tx) => {
      if (getPolicy(tx, namespace, id, request.PolicyName) === undefined) return false;
      deletePolicy(tx, namespace, id, request.PolicyName);
      return true;
    });
    // Not found recorded from AWS; the text moto and other emulators use, in the form of the target's.
    if (!found) throw new AutoScalingError('ObjectNotFoundException', `No scaling policy found for ${describedTarget(request)}, policy name: ${request.PolicyName}`);
    return {};
  },
});
