/**
 * IAM's condition operators (IAM User Guide, "IAM JSON policy elements:
 * Condition operators" and "Multivalued context keys"): how one operator
 * compares a request's context values with a policy's values.
 *
 * Within one key, policy values are alternatives (OR); a negated operator
 * holds when no value matches. A key missing from the request fails the
 * positive operators and satisfies the negated ones, `...IfExists` is true
 * when the key is missing, and `Null` tests the key's presence. With
 * `ForAllValues:` every context value must match (vacuously true for a
 * missing or empty key), with `ForAnyValue:` at least one (false for a
 * missing or empty key).
 */
import { wildcardMatch, arnMatch } from './wildcard.js';
import { cidrContains } from './cidr.js';

type Comparison = (context: string, policy: string) => boolean;

/** The positive comparison of each operator family; the negated names map to the same with `negated`. */
const COMPARISONS: Readonly<Record<string, Comparison>> = {
  stringequals: (c, p) => c === p,
  stringequalsignorecase: (c, p) => c.toLowerCase() === p.toLowerCase(),
  stringlike: (c, p) => wildcardMatch(p, c),
  numericequals: numeric((c, p) => c === p),
  numericlessthan: numeric((c, p) => c < p),
  numericlessthanequals: numeric((c, p) => c <= p),
  numericgreaterthan: numeric((c, p) => c > p),
  numericgreaterthanequals: numeric((c, p) => c >= p),
  dateequals: date((c, p) => c === p),
  datelessthan: date((c, p) => c < p),
  datelessthanequals: date((c, p) => c <= p),
  dategreaterthan: date((c, p) => c > p),
  dategreaterthanequals: date((c, p) => c >= p),
  bool: (c, p) => c.toLowerCase() === p.toLowerCase(),
  binaryequals: (c, p) => c === p,
  ipaddress: (c, p) => cidrContains(p, c),
  arnequals: (c, p) => arnMatch(p, c),
  arnlike: (c, p) => arnMatch(p, c),
};

/** The negated operators, by name, and the positive comparison they negate. */
const NEGATIONS: Readonly<Record<string, string>> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
  notipaddress: 'ipaddress',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
};

/** The operators whose policy values may hold policy variables (`${aws:username}`). */
const VARIABLE_FAMILIES = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

export interface ConditionOperator {
  /** As written in the policy, for messages. */
  readonly name: string;
  readonly set: 'ForAllValues' | 'ForAnyValue' | undefined;
  readonly ifExists: boolean;
  /** `Null`, which tests presence rather than comparing values. */
  readonly isNull: boolean;
  readonly negated: boolean;
  readonly compare: Comparison;
  readonly takesVariables: boolean;
}

/** The operator a condition block's key names, or undefined when IAM has none by that name (any letter case is read). */
export function conditionOperator(name: string): ConditionOperator | undefined {
  let rest = name;
  let set: ConditionOperator['set'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'forallvalues') set = 'ForAllValues';
    else if (qualifier === 'foranyvalue') set = 'ForAnyValue';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let base = rest.toLowerCase();
  const ifExists = base.endsWith('ifexists') && base !== 'ifexists';
  if (ifExists) base = base.slice(0, -'ifexists'.length);
  if (base === 'null') {
    if (ifExists || set !== undefined) return undefined;
    return { name, set, ifExists, isNull: true, negated: false, compare: () => false, takesVariables: false };
  }
  const positive = NEGATIONS[base] ?? base;
  const compare = Object.hasOwn(COMPARISONS, positive) ? COMPARISONS[positive] : undefined;
  if (compare === undefined) return undefined;
  return { name, set, ifExists, isNull: false, negated: positive !== base, compare, takesVariables: VARIABLE_FAMILIES.has(positive) };
}

/**
 * Whether one condition (operator, key) holds for the request's values of the
 * key (undefined when the request has no such key) and the policy's values.
 */
export function conditionHolds(operator: ConditionOperator, context: readonly string[] | undefined, policy: readonly string[]): boolean {
  if (operator.isNull) {
    const absent = context === undefined || context.length === 0;
    return policy.some((value) => (value.toLowerCase() === 'true') === absent);
  }
  const missing = context === undefined || context.length === 0;
  if (missing && operator.ifExists) return true;
  const matches = (value: string) => policy.some((wanted) => operator.compare(value, wanted));
  // Each context value's own verdict, negated operators negating each value's match.
  const verdict = (value: string) => matches(value) !== operator.negated;
  if (operator.set === 'ForAllValues') return missing || context.every(verdict);
  if (operator.set === 'ForAnyValue') return !missing && context.some(verdict);
  if (missing) return operator.negated;
  return context.some(matches) !== operator.negated;
}

function numeric(test: (context: number, policy: number) => boolean): Comparison {
  return (c, p) => {
    const context = numberOf(c);
    const policy = numberOf(p);
    return context !== undefined && policy !== undefined && test(context, policy);
  };
}

function numberOf(text: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

function date(test: (context: number, policy: number) => boolean): Comparison {
  return (c, p) => {
    const context = instantOf(c);
    const policy = instantOf(p);
    return context !== undefined && policy !== undefined && test(context, policy);
  };
}

/** An ISO 8601 date or time, or epoch seconds, as IAM's date operators read them; in milliseconds. */
function instantOf(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}
