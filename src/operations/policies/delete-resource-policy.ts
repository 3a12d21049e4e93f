/** DeleteResourcePolicy: removes the policy of a table or its stream, answering the revision removed. */
import { str, struct } from '../../protocol/shape.js';
import { defineOperation } from '../operation.js';
import { resourceArnMember } from '../tables/table-shapes.js';
import { deletePolicy, readPolicy } from '../../features/resource-policies/policy-store.js';
import { checkExpectedRevision, policyNotFound, policyResource } from './policy-resource.js';

interface DeleteResourcePolicyRequest {
  readonly ResourceArn: string;
  readonly ExpectedRevisionId?: string;
}

export const deleteResourcePolicy = defineOperation<DeleteResourcePolicyRequest>({
  name: 'DeleteResourcePolicy',
  shape: struct('DeleteResourcePolicyInput', {
    ResourceArn: resourceArnMember,
    ExpectedRevisionId: str({ minLength: 1, maxLength: 255 }),
  }),
  async execute(request, context) {
    const resource = policyResource(request.ResourceArn, context);
    const removed = await context.services.storage.write((tx) => {
      const current = readPolicy(tx, resource.target);
      checkExpectedRevision(request.ExpectedRevisionId, current?.revisionId, resource);
      if (current !== undefined) deletePolicy(tx, resource.target);
      return current?.revisionId;
    });
    if (removed === undefined) throw policyNotFound(resource.arn);
    return { RevisionId: removed };
  },
});
