/**
 * The one place a request is authorized: after its shape is checked, before
 * it runs. The caller's identity-based policies and the resource's
 * resource-based policy are evaluated for every action the request needs
 * (request-context.ts); the first refusal is the answer, an
 * AccessDeniedException worded as AWS words it since it added the reason
 * (IAM User Guide, "Troubleshoot access denied error messages"; recorded
 * e.g. in AntonShuvaev/intellij-dynamodb#29: "... because no identity-based
 * policy allows the dynamodb:Query action").
 */
import { DynamoError } from '../../protocol/errors.js';
import type { Services } from '../../engine/services.js';
import type { Namespace } from '../../operations/operation.js';
import { readPolicy, type PolicyTarget } from '../../features/resource-policies/policy-store.js';
import type { Principal, RequestOrigin } from '../principal.js';
import { accessChecks, type AccessCheck } from './request-context.js';
import { evaluate, type Caller, type Denial, type ResourcePolicy } from './evaluate.js';
import { parsePolicy, PolicyError, type PolicyDocument } from './policy.js';

/** The IAM service prefix of each API's actions, by its target prefix. */
const SERVICES: Readonly<Record<string, string>> = {
  'DynamoDB_20120810.': 'dynamodb',
  'DynamoDBStreams_20120810.': 'dynamodb',
  'GraniteServiceVersion20100801.': 'cloudwatch',
  'AnyScaleFrontendService.': 'application-autoscaling',
  // Replication between Dynalith servers (features/replication/peers.ts): actions dynalith:<operation>.
  'DynalithReplication_20261208.': 'dynalith',
};

export interface AuthorizationInput {
  readonly principal: Principal;
  readonly origin: RequestOrigin;
  readonly namespace: Namespace;
  /** The API's target prefix, e.g. `DynamoDB_20120810.`. */
  readonly api: string;
  readonly operation: string;
  readonly request: object;
}

export async function authorize(input: AuthorizationInput, services: Services, now = new Date()): Promise<void> {
  const { principal, namespace } = input;
  if (principal.type === 'Anonymous') return;
  const service = SERVICES[input.api] ?? 'dynamodb';
  const scope = { account: namespace.account, region: namespace.region, table: (name: string) => services.catalog.get(namespace, name) };
  const checks: AccessCheck[] =
    service === 'dynamodb'
      ? accessChecks(input.operation, input.request as Record<string, unknown>, scope)
      : [{ action: `${service}:${input.operation}`, resource: '*', keys: new Map() }];
  const caller: Caller = {
    arn: principal.arn,
    account: principal.account,
    root: principal.type === 'Root',
    identityPolicies: identityPolicies(principal.policies),
  };
  const global = globalKeys(principal, input.origin, now);
  const policies = await resourcePolicies(checks, input.namespace, services);
  for (const check of checks) {
    for (const [key, values] of global) if (!check.keys.has(key)) check.keys.set(key, values);
    if (rootMayAlways(caller, check)) continue;
    const decision = evaluate(caller, check, policies.get(policyTargetKey(check.resource, namespace)));
    if (!decision.allowed) throw accessDenied(principal.arn, check, decision.denial);
  }
}

/**
 * The account's root may delete the resource policy of its own resources
 * whatever the policy says, so no policy locks an account out of its table
 * (DeleteResourcePolicy's API reference). PutResourcePolicy's
 * ConfirmRemoveSelfResourceAccess is accepted but checks nothing: no recorded
 * answer of DynamoDB to a policy that would lock its author out was found.
 */
function rootMayAlways(caller: Caller, check: AccessCheck): boolean {
  return caller.root && check.action === 'dynamodb:DeleteResourcePolicy' && check.resource.split(':')[4] === caller.account;
}

export function accessDenied(callerArn: string, check: Pick<AccessCheck, 'action' | 'resource'>, denial: Denial): DynamoError {
  const prefix = `User: ${callerArn} is not authorized to perform: ${check.action} on resource: ${check.resource}`;
  const reason = {
    'explicit-identity': 'with an explicit deny in an identity-based policy',
    'explicit-resource': 'with an explicit deny in a resource-based policy',
    'no-identity': `because no identity-based policy allows the ${check.action} action`,
    'no-resource': `because no resource-based policy allows the ${check.action} action`,
  }[denial];
  return new DynamoError('AccessDeniedException', `${prefix} ${reason}`);
}

/** The AWS-wide condition keys every request carries (IAM User Guide, "AWS global condition context keys"). */
function globalKeys(principal: Principal, origin: RequestOrigin, now: Date): Map<string, string[]> {
  const keys = new Map<string, string[]>([
    ['aws:sourceip', [origin.sourceIp]],
    ['aws:securetransport', [String(origin.secureTransport)]],
    ['aws:currenttime', [now.toISOString()]],
    ['aws:epochtime', [String(Math.floor(now.getTime() / 1000))]],
    ['aws:principalarn', [principal.arn]],
    ['aws:principalaccount', [principal.account]],
    ['aws:principaltype', [principal.type === 'IAMUser' ? 'User' : principal.type === 'Root' ? 'Account' : principal.type]],
    ['aws:userid', [principal.principalId]],
  ]);
  const user = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(principal.arn);
  if (user !== null) keys.set('aws:username', [user[1]!]);
  if (origin.userAgent !== undefined) keys.set('aws:useragent', [origin.userAgent]);
  if (principal.sessionToken !== undefined) keys.set('aws:tokenissuetime', [now.toISOString()]);
  for (const [tag, value] of Object.entries(principal.tags)) keys.set(`aws:principaltag/${tag.toLowerCase()}`, [value]);
  return keys;
}

const parsed = new Map<string, PolicyDocument | null>();
const PARSED_LIMIT = 1024;

/**
 * The caller's identity policies, parsed once per text. A policy that does
 * not parse grants nothing (the credentials file's loader refuses such
 * documents; this only keeps a bad one from granting by accident).
 */
function identityPolicies(texts: readonly string[]): PolicyDocument[] {
  return texts.flatMap((text) => {
    let document = parsed.get(text);
    if (document === undefined) {
      try {
        document = parsePolicy(text, 'identity');
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        document = null;
      }
      if (parsed.size >= PARSED_LIMIT) parsed.clear();
      parsed.set(text, document);
    }
    return document === null ? [] : [document];
  });
}

/**
 * The table or stream whose resource policy governs an ARN of the caller's
 * tenancy (a table's also governs its indexes), as `table name` + `/stream/label`.
 */
function policyTargetKey(resource: string, namespace: Namespace): string | undefined {
  const prefix = `arn:aws:dynamodb:${namespace.region}:${namespace.account}:table/`;
  if (!resource.startsWith(prefix)) return undefined;
  const [table, kind, label] = resource.slice(prefix.length).split('/');
  if (kind === undefined || kind === 'index') return table;
  return kind === 'stream' ? `${table}/stream/${label}` : undefined;
}

/** The resource policies the checks meet, read in one transaction. */
async function resourcePolicies(checks: readonly AccessCheck[], namespace: Namespace, services: Services): Promise<Map<string | undefined, ResourcePolicy>> {
  const targets = new Map<string, PolicyTarget>();
  for (const check of checks) {
    const key = policyTargetKey(check.resource, namespace);
    if (key === undefined || targets.has(key)) continue;
    const [name, , label] = key.split('/');
    const table = services.catalog.get(namespace, name!);
    if (table !== undefined) targets.set(key, label === undefined ? { tableId: table.id } : { tableId: table.id, streamLabel: label });
  }
  const found = new Map<string | undefined, ResourcePolicy>();
  if (targets.size === 0) return found;
  const stored = await services.storage.read((tx) => [...targets].map(([key, target]) => [key, readPolicy(tx, target)] as const));
  for (const [key, policy] of stored) {
    if (policy === undefined) continue;
    // Stored policies were checked when they were put.
    found.set(key, { document: parsePolicy(policy.policy, 'resource'), account: namespace.account });
  }
  return found;
}
