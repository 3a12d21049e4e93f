/**
 * PutResourcePolicy: attaches a policy to a table or its stream. Putting the
 * policy already attached (up to whitespace) changes nothing and answers its
 * revision (DDB-TABLE-207); ExpectedRevisionId makes the put conditional, and
 * `NO_POLICY` expects none. ConfirmRemoveSelfResourceAccess is accepted; the
 * caller's own lock-out is not checked (security/iam/authorize.ts says why;
 * the account's root can always delete the policy).
 */
import { bool, str, struct } from '../../protocol/shape.js';
import { defineOperation } from '../operation.js';
import { resourceArnMember } from '../tables/table-shapes.js';
import { storedTableRecord } from '../../engine/catalog.js';
import { nextRevisionId, readPolicy, writePolicy } from '../../features/resource-policies/policy-store.js';
import { checkResourcePolicy } from './policy-document.js';
import { checkExpectedRevision, policyResource, tableGone } from './policy-resource.js';

interface PutResourcePolicyRequest {
  readonly ResourceArn: string;
  readonly Policy: string;
  readonly ExpectedRevisionId?: string;
  readonly ConfirmRemoveSelfResourceAccess?: boolean;
}

export const putResourcePolicy = defineOperation<PutResourcePolicyRequest>({
  name: 'PutResourcePolicy',
  shape: struct('PutResourcePolicyInput', {
    ResourceArn: resourceArnMember,
    Policy: str({ required: true }),
    ExpectedRevisionId: str({ minLength: 1, maxLength: 255 }),
    ConfirmRemoveSelfResourceAccess: bool(),
  }),
  async execute(request, context) {
    const resource = policyResource(request.ResourceArn, context);
    const { canonical } = checkResourcePolicy(request.Policy);
    const { table } = resource;
    const revision = await context.services.storage.write((tx) => {
      if (storedTableRecord(tx, table.account, table.region, table.TableName)?.id !== table.id) return undefined;
      const current = readPolicy(tx, resource.target);
      checkExpectedRevision(request.ExpectedRevisionId, current?.revisionId, resource);
      if (current?.policy === canonical) return current.revisionId;
      const revisionId = nextRevisionId(current?.revisionId);
      writePolicy(tx, resource.target, { policy: canonical, revisionId });
      return revisionId;
    });
    if (revision === undefined) throw tableGone(resource);
    return { RevisionId: revision };
  },
});
