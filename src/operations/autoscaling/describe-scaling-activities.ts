/**
 * DescribeScalingActivities: a namespace's scaling activities of the last six
 * weeks, newest first, filtered by ResourceId and ScalableDimension. Only
 * activities that changed (or tried to change) capacity are recorded, so
 * IncludeNotScaledActivities finds nothing more.
 */
import { defineOperation } from '../operation.js';
import { bool, struct } from '../../protocol/shape.js';
import { listActivities } from '../../features/autoscaling/scaling-store.js';
import { maxResultsMember, nextTokenMember, resourceIdMember, scalableDimensionMember, serviceNamespaceMember } from './scalable-target-request.js';
import { resultPage } from './result-pages.js';

interface DescribeScalingActivitiesRequest {
  readonly ServiceNamespace: string;
  readonly ResourceId?: string;
  readonly ScalableDimension?: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

const shape = struct('DescribeScalingActivitiesRequest', {
  ServiceNamespace: serviceNamespaceMember,
  ResourceId: resourceIdMember(false),
  ScalableDimension: scalableDimensionMember(false),
  MaxResults: maxResultsMember,
  NextToken: nextTokenMember,
  IncludeNotScaledActivities: bool(),
});

export const describeScalingActivities = defineOperation<DescribeScalingActivitiesRequest>({
  name: 'DescribeScalingActivities',
  shape,
  async execute(request, { namespace, services }) {
    const stored = request.ServiceNamespace === 'dynamodb' ? await services.storage.read((tx) => listActivities(tx, namespace)) : [];
    const wanted = stored.filter(
      (activity) =>
        (request.ResourceId === undefined || activity.ResourceId === request.ResourceId) &&
        (request.ScalableDimension === undefined || activity.ScalableDimension === request.ScalableDimension),
    );
    const page = resultPage(wanted, (activity) => activity.ActivityId, request, 50);
    const ScalingActivities = page.items.map(({ account: _, region: __, ...activity }) => activity);
    return { ScalingActivities, ...(page.NextToken === undefined ? {} : { NextToken: page.NextToken }) };
  },
});
