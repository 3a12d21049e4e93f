/** DeregisterScalableTarget: removes a scalable target and its scaling policies (API reference); its activities stay. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { deleteTarget, getTarget } from '../../features/autoscaling/scaling-store.js';
import { dynamoDbResource, resourceIdMember, scalableDimensionMember, serviceNamespaceMember, targetId, targetNotFound, type TargetRequest } from './scalable-target-request.js';

const shape = struct('DeregisterScalableTargetRequest', {
  ServiceNamespace: serviceNamespaceMember,
  ResourceId: resourceIdMember(true),
  ScalableDimension: scalableDimensionMember(true),
});

export const deregisterScalableTarget = defineOperation<TargetRequest>({
  name: 'DeregisterScalableTarget',
  shape,
  async execute(request, { namespace, services }) {
    dynamoDbResource(request);
    const id = targetId(request);
    const found = await services.storage.write((tx) => {
      if (getTarget(tx, namespace, id) === undefined) return false;
      deleteTarget(tx, namespace, id);
      return true;
    });
    if (!found) throw targetNotFound(request, 'found');
    return {};
  },
});
