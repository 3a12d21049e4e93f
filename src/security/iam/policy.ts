/**
 * IAM policy documents (IAM User Guide, "IAM JSON policy element reference"):
 * parsed and checked once into statements the evaluator can test quickly.
 * A document that breaks the grammar is a PolicyError whose message is the
 * detail DynamoDB's PutResourcePolicy reports after "Invalid policy document:"
 * (texts recorded from live DynamoDB in the ack-api-quirks lab, DDB-TABLE-211
 * and -356; where no recording exists the text is IAM's own validator's).
 */
import { conditionOperator, type ConditionOperator } from './conditions.js';

export class PolicyError extends Error {}

export type Effect = 'Allow' | 'Deny';

/** Action/NotAction, Resource/NotResource: the patterns, and whether the element is the Not form. */
export interface Patterns {
  readonly not: boolean;
  readonly patterns: readonly string[];
}

/** A Principal or NotPrincipal element: `*`, or principals by kind (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
export interface Principals {
  readonly not: boolean;
  readonly everyone: boolean;
  readonly aws: readonly string[];
  readonly services: readonly string[];
}

export interface Condition {
  readonly operator: ConditionOperator;
  /** The condition key, lower-cased (keys are case-insensitive). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly actions: Patterns;
  readonly resources: Patterns;
  readonly principals: Principals | undefined;
  readonly conditions: readonly Condition[];
}

export interface PolicyDocument {
  readonly version: '2012-10-17' | '2008-10-17';
  readonly statements: readonly Statement[];
}

export type PolicyKind = 'identity' | 'resource';

const STATEMENT_MEMBERS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);
const ACTION = /^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/;

/** Parses and checks a policy document's text. */
export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new PolicyError('This policy contains invalid Json');
  }
  if (!isObject(document)) throw new PolicyError('This policy contains invalid Json');
  for (const member of Object.keys(document)) {
    if (member !== 'Version' && member !== 'Statement' && member !== 'Id') throw new PolicyError(`Syntax errors in policy. Unknown field ${member}`);
  }
  const version = document.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') throw new PolicyError('The policy must contain a valid version string');
  if (document.Id !== undefined && typeof document.Id !== 'string') throw new PolicyError('Syntax errors in policy. Id must be a string');
  if (document.Statement === undefined) throw new PolicyError('Missing required field Statement');
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  if (raw.length === 0) throw new PolicyError('Could not parse the policy: Statement is empty!');
  const statements = raw.map((entry: unknown) => parseStatement(entry, kind));
  const sids = statements.flatMap((statement) => (statement.sid === undefined || statement.sid === '' ? [] : [statement.sid]));
  if (new Set(sids).size !== sids.length) throw new PolicyError('The Statement Ids in the policy are not unique');
  return { version, statements };
}

function parseStatement(entry: unknown, kind: PolicyKind): Statement {
  if (!isObject(entry)) throw new PolicyError('Syntax errors in policy. Statement must be an object');
  for (const member of Object.keys(entry)) {
    if (!STATEMENT_MEMBERS.has(member)) throw new PolicyError(`Syntax errors in policy. Unknown field ${member}`);
  }
  if (entry.Sid !== undefined && typeof entry.Sid !== 'string') throw new PolicyError('Syntax errors in policy. Sid must be a string');
  if (entry.Effect === undefined) throw new PolicyError('Missing required field Effect');
  if (entry.Effect !== 'Allow' && entry.Effect !== 'Deny') throw new PolicyError(`Invalid effect: ${String(entry.Effect)}`);
  const actions = pair(entry, 'Action', 'NotAction');
  for (const action of actions.patterns) {
    if (action !== '*' && !ACTION.test(action)) throw new PolicyError(`Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.`);
  }
  const resources = pair(entry, 'Resource', 'NotResource');
  for (const resource of resources.patterns) {
    if (resource !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(resource)) throw new PolicyError(`Resource ${resource} must be in ARN format or "*".`);
  }
  const principals = principalsOf(entry);
  if (kind === 'identity' && principals !== undefined) throw new PolicyError('Policy document should not specify a principal.');
  if (kind === 'resource' && principals === undefined) throw new PolicyError('Missing required field Principal');
  return { sid: entry.Sid, effect: entry.Effect, actions, resources, principals, conditions: conditionsOf(entry.Condition) };
}

/** An element that comes in a positive and a Not form: exactly one of them, a string or a non-empty list of strings. */
function pair(entry: Record<string, unknown>, name: string, notName: string): Patterns {
  const positive = entry[name];
  const negative = entry[notName];
  if (positive !== undefined && negative !== undefined) throw new PolicyError(`Statement/Policy has both ${name} and ${notName}`);
  if (positive === undefined && negative === undefined) throw new PolicyError(`Missing required field ${name}`);
  const value = positive ?? negative;
  return { not: positive === undefined, patterns: strings(value, name) };
}

function strings(value: unknown, element: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PolicyError(`Syntax errors in policy. ${element} must not be empty`);
  for (const item of list) {
    if (typeof item !== 'string') throw new PolicyError(`Syntax errors in policy. ${element} must be a string or a list of strings`);
  }
  return list as string[];
}

function principalsOf(entry: Record<string, unknown>): Principals | undefined {
  const positive = entry.Principal;
  const negative = entry.NotPrincipal;
  if (positive !== undefined && negative !== undefined) throw new PolicyError('Statement/Policy has both Principal and NotPrincipal');
  const value = positive ?? negative;
  if (value === undefined) return undefined;
  const not = positive === undefined;
  if (value === '*') return { not, everyone: true, aws: [], services: [] };
  // A bare account id or ARN without its kind is a syntax error (DDB-TABLE-356 recorded "Syntax error at position ...").
  if (!isObject(value)) throw new PolicyError('Syntax errors in policy. Principal must be "*" or an object');
  let aws: string[] = [];
  let services: string[] = [];
  for (const [type, names] of Object.entries(value)) {
    const list = strings(names, 'Principal');
    if (type === 'AWS') aws = list.map((name) => (/^\d{12}$/.test(name) ? `arn:aws:iam::${name}:root` : name));
    else if (type === 'Service') services = list;
    else if (type !== 'Federated' && type !== 'CanonicalUser') throw new PolicyError('Invalid principal in policy document.');
  }
  for (const name of aws) {
    if (name !== '*' && !/^arn:aws:(iam|sts)::\d{12}:.+$/.test(name)) throw new PolicyError('Invalid principal in policy document.');
  }
  return { not, everyone: aws.includes('*'), aws: aws.filter((name) => name !== '*'), services };
}

function conditionsOf(block: unknown): Condition[] {
  if (block === undefined) return [];
  if (!isObject(block)) throw new PolicyError('Syntax errors in policy. Condition must be an object');
  const conditions: Condition[] = [];
  for (const [name, keys] of Object.entries(block)) {
    const operator = conditionOperator(name);
    if (operator === undefined) throw new PolicyError(`Invalid Condition type : ${name}`);
    if (!isObject(keys)) throw new PolicyError(`Syntax errors in policy. Condition ${name} must be an object`);
    for (const [key, raw] of Object.entries(keys)) {
      if (!/^[a-zA-Z0-9-]+:.+$/.test(key)) throw new PolicyError('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.map((value: unknown) => {
        if (typeof value === 'string') return value;
        if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
        throw new PolicyError(`Syntax errors in policy. Condition values of ${key} must be strings, numbers or booleans`);
      });
      conditions.push({ operator, key: key.toLowerCase(), values });
    }
  }
  return conditions;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
