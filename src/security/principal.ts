/**
 * Who a request comes from, once authentication has established it
 * (server/authentication.ts): what IAM policy evaluation, the audit log and
 * the namespace need to know of the caller. With `--auth none` every request
 * is the account's anonymous caller, as DynamoDB Local treats every request.
 */

export interface Principal {
  /** The access key the request was signed with (or the unverified one it named, with `--auth none`). */
  readonly accessKeyId: string;
  /** The account the principal belongs to: it owns the tables the request addresses. */
  readonly account: string;
  /** `arn:aws:iam::<account>:user/<name>`, `arn:aws:sts::<account>:assumed-role/<role>/<session>`, or the account root. */
  readonly arn: string;
  /** CloudTrail's userIdentity.type. */
  readonly type: 'IAMUser' | 'AssumedRole' | 'Root' | 'Anonymous';
  /** CloudTrail's userIdentity.principalId. */
  readonly principalId: string;
  /** Tags, which policies see as aws:PrincipalTag/<key>. */
  readonly tags: Readonly<Record<string, string>>;
  /** The principal's identity-based policies, as JSON documents (IAM's policy grammar). */
  readonly policies: readonly string[];
  /** Temporary credentials carry a session token; policies see it as aws:... and the audit log as a session. */
  readonly sessionToken?: string;
}

/** Where the request came from and how, for aws:SourceIp, aws:SecureTransport and the audit log. */
export interface RequestOrigin {
  readonly sourceIp: string;
  readonly secureTransport: boolean;
  readonly userAgent?: string;
}
