/** GetResourcePolicy: the policy of a table or its stream, and its revision. */
import { struct } from '../../protocol/shape.js';
import { defineOperation } from '../operation.js';
import { resourceArnMember } from '../tables/table-shapes.js';
import { readPolicy } from '../../features/resource-policies/policy-store.js';
import { policyNotFound, policyResource } from './policy-resource.js';

interface GetResourcePolicyRequest {
  readonly ResourceArn: string;
}

export const getResourcePolicy = defineOperation<GetResourcePolicyRequest>({
  name: 'GetResourcePolicy',
  shape: struct('GetResourcePolicyInput', { ResourceArn: resourceArnMember }),
  async execute(request, context) {
    const resource = policyResource(request.ResourceArn, context);
    const stored = await context.services.storage.read((tx) => readPolicy(tx, resource.target));
    if (stored === undefined) throw policyNotFound(resource.arn);
    return { Policy: stored.policy, RevisionId: stored.revisionId };
  },
});
