/**
 * IAM's evaluation logic for one request (IAM User Guide, "Policy evaluation
 * logic"), for the policy types Dynalith has: the caller's identity-based
 * policies and the resource's resource-based policy. Every statement that
 * applies is considered: an explicit Deny in either wins; otherwise, within
 * one account, an Allow in either grants (a resource policy grants on its own
 * only when it names the caller itself; naming the account delegates to the
 * identity policies), and across accounts both must allow. Nothing allowing
 * is the implicit deny. The account's root user is not bound by identity
 * policies, only by a resource policy's Deny.
 */
import { arnMatch, wildcardMatch } from './wildcard.js';
import { conditionHolds } from './conditions.js';
import type { Patterns, PolicyDocument, Principals, Statement } from './policy.js';

/** One action on one resource, with the request's condition keys (names lower-cased). */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly keys: ReadonlyMap<string, readonly string[]>;
}

export interface Caller {
  readonly arn: string;
  readonly account: string;
  readonly root: boolean;
  readonly identityPolicies: readonly PolicyDocument[];
}

export type Denial = 'explicit-identity' | 'explicit-resource' | 'no-identity' | 'no-resource';

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly denial: Denial };

export interface ResourcePolicy {
  readonly document: PolicyDocument;
  /** The account that owns the resource. */
  readonly account: string;
}

const ALLOWED: Decision = { allowed: true };

export function evaluate(caller: Caller, request: AuthorizationRequest, resourcePolicy?: ResourcePolicy): Decision {
  let identityAllows = false;
  if (!caller.root) {
    for (const document of caller.identityPolicies) {
      for (const statement of document.statements) {
        if (!applies(statement, document, request)) continue;
        if (statement.effect === 'Deny') return { allowed: false, denial: 'explicit-identity' };
        identityAllows = true;
      }
    }
  }
  let resourceGrant: 'none' | 'account' | 'caller' = 'none';
  if (resourcePolicy !== undefined) {
    const { document } = resourcePolicy;
    for (const statement of document.statements) {
      const named = principalMatch(statement.principals, caller);
      if (named === 'none' || !applies(statement, document, request)) continue;
      if (statement.effect === 'Deny') return { allowed: false, denial: 'explicit-resource' };
      if (named === 'caller' || resourceGrant === 'none') resourceGrant = named;
    }
  }
  const owner = resourcePolicy?.account ?? caller.account;
  if (caller.root && caller.account === owner) return ALLOWED;
  if (caller.account === owner) return identityAllows || resourceGrant === 'caller' ? ALLOWED : { allowed: false, denial: 'no-identity' };
  if (!identityAllows && !caller.root) return { allowed: false, denial: 'no-identity' };
  return resourceGrant === 'none' ? { allowed: false, denial: 'no-resource' } : ALLOWED;
}

function applies(statement: Statement, document: PolicyDocument, request: AuthorizationRequest): boolean {
  if (!matches(statement.actions, (pattern) => wildcardMatch(pattern, request.action, true))) return false;
  const variables = document.version === '2012-10-17';
  const resourceMatch = (pattern: string) => {
    const resolved = variables ? substitute(pattern, request.keys) : pattern;
    return resolved !== undefined && arnMatch(resolved, request.resource);
  };
  if (!matches(statement.resources, resourceMatch)) return false;
  return statement.conditions.every(({ operator, key, values }) => {
    const policyValues = variables && operator.takesVariables ? values.flatMap((value) => substitute(value, request.keys) ?? []) : values;
    return conditionHolds(operator, request.keys.get(key), policyValues);
  });
}

function matches({ not, patterns }: Patterns, test: (pattern: string) => boolean): boolean {
  return patterns.some(test) !== not;
}

/**
 * How a resource policy statement's Principal names the caller: itself (or
 * everyone, or the role whose session it is), only its account, or not.
 * NotPrincipal names everyone it does not list.
 */
function principalMatch(principals: Principals | undefined, caller: Caller): 'caller' | 'account' | 'none' {
  if (principals === undefined) return 'none';
  let match: 'caller' | 'account' | 'none' = 'none';
  if (principals.everyone) match = 'caller';
  else {
    const root = `arn:aws:iam::${caller.account}:root`;
    const role = sessionRole(caller.arn);
    for (const name of principals.aws) {
      if (name === caller.arn || (role !== undefined && roleNamed(name, role))) match = 'caller';
      else if (name === root && match === 'none') match = caller.root ? 'caller' : 'account';
    }
  }
  if (!principals.not) return match;
  return match === 'none' ? 'caller' : 'none';
}

/** The account and role name of an assumed-role session's ARN. */
function sessionRole(arn: string): { account: string; name: string } | undefined {
  const match = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return match === null ? undefined : { account: match[1]!, name: match[2]! };
}

function roleNamed(principal: string, role: { account: string; name: string }): boolean {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principal);
  return match !== null && match[1] === role.account && match[2] === role.name;
}

/**
 * Replaces a pattern's policy variables (`${aws:username}`, `${*}`, `${?}`,
 * `${$}`) with the request's values; undefined when a variable has no single
 * value in the request, which makes the element match nothing.
 */
export function substitute(pattern: string, keys: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (!pattern.includes('${')) return pattern;
  let missing = false;
  const result = pattern.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const values = keys.get(name.trim().toLowerCase());
    if (values?.length !== 1) {
      missing = true;
      return '';
    }
    return values[0]!;
  });
  return missing ? undefined : result;
}
