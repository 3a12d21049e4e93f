/** DescribeEndpoints: the regional endpoint clients with endpoint discovery cache. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';

/** How long DynamoDB tells clients to cache the answer: one day. */
const CACHE_PERIOD_MINUTES = 1440;

export const describeEndpoints = defineOperation<Record<string, never>>({
  name: 'DescribeEndpoints',
  shape: struct('DescribeEndpointsRequest', {}),
  execute(_request, { namespace }) {
    return { Endpoints: [{ Address: `dynamodb.${namespace.region}.amazonaws.com`, CachePeriodInMinutes: CACHE_PERIOD_MINUTES }] };
  },
});
