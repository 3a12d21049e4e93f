/**
 * What PutResourcePolicy (and CreateTable's ResourcePolicy) accept as a
 * policy, in DynamoDB's words as the ack-api-quirks lab recorded them
 * (DDB-TABLE-211, -352, -356): the size limit counts every byte, whitespace
 * too; a document that breaks IAM's grammar is "Invalid policy document";
 * an unconditional Allow to everyone is refused as unbounded access.
 */
import { validation } from '../../protocol/errors.js';
import { parsePolicy, PolicyError, type PolicyDocument } from '../../security/iam/policy.js';

export const MAX_POLICY_BYTES = 20 * 1024;

export interface CheckedPolicy {
  readonly document: PolicyDocument;
  /** The text stored and handed back: whitespace outside strings removed, so equivalent documents compare equal. */
  readonly canonical: string;
}

export function checkResourcePolicy(text: string): CheckedPolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    throw validation(`One or more parameter values were invalid: Maximum policy size of ${MAX_POLICY_BYTES} bytes exceeded`);
  }
  let document: PolicyDocument;
  try {
    document = parsePolicy(text, 'resource');
  } catch (error) {
    if (error instanceof PolicyError) throw validation(`One or more parameter values were invalid: Invalid policy document: ${error.message}`);
    throw error;
  }
  const unbounded = document.statements.some(
    (statement) => statement.effect === 'Allow' && statement.principals?.everyone === true && !statement.principals.not && statement.conditions.length === 0,
  );
  if (unbounded) {
    throw validation('Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access');
  }
  return { document, canonical: JSON.stringify(JSON.parse(text)) };
}
