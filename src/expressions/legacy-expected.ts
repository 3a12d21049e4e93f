/**
 * The legacy `Expected` parameter (with `ConditionalOperator`): per-attribute
 * checks written as Value/Exists or ComparisonOperator + AttributeValueList,
 * validated with DynamoDB's messages and evaluated like a ConditionExpression;
 * and the Condition maps of QueryFilter, ScanFilter and KeyConditions.
 */
import type { AttributeValue, Item, TypeTag } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { checkAttributeName, validateAttributeValue } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';
import { compareValues, valuesEqual } from './compare.js';
import { beginsWith, contains } from './condition.js';
import type { Condition } from './index.js';

const INVALID = 'One or more parameter values were invalid: ';

type Test = (actual: AttributeValue | undefined, args: readonly AttributeValue[]) => boolean;

const ordered = (accept: (order: number) => boolean): Test => (actual, [bound]) => {
  if (actual === undefined || bound === undefined) return false;
  const order = compareValues(actual, bound);
  return order !== undefined && accept(order);
};

const equal: Test = (actual, [value]) => actual !== undefined && value !== undefined && valuesEqual(actual, value);
const containsTest: Test = (actual, [value]) => actual !== undefined && value !== undefined && contains(actual, value);

interface OperatorRule {
  /** Accepted AttributeValueList lengths. */
  readonly counts: (n: number) => boolean;
  /** Types the arguments may have; undefined means any. */
  readonly types?: readonly TypeTag[];
  readonly test: Test;
}

const SCALARS: readonly TypeTag[] = ['S', 'N', 'B'];

const OPERATORS: Readonly<Record<string, OperatorRule>> = {
  EQ: { counts: (n) => n === 1, test: equal },
  NE: { counts: (n) => n === 1, test: (actual, args) => !equal(actual, args) },
  LE: { counts: (n) => n === 1, types: SCALARS, test: ordered((o) => o <= 0) },
  LT: { counts: (n) => n === 1, types: SCALARS, test: ordered((o) => o < 0) },
  GE: { counts: (n) => n === 1, types: SCALARS, test: ordered((o) => o >= 0) },
  GT: { counts: (n) => n === 1, types: SCALARS, test: ordered((o) => o > 0) },
  NOT_NULL: { counts: (n) => n === 0, test: (actual) => actual !== undefined },
  NULL: { counts: (n) => n === 0, test: (actual) => actual === undefined },
  CONTAINS: { counts: (n) => n === 1, types: SCALARS, test: containsTest },
  NOT_CONTAINS: { counts: (n) => n === 1, types: SCALARS, test: (actual, args) => actual !== undefined && !containsTest(actual, args) },
  BEGINS_WITH: {
    counts: (n) => n === 1,
    types: ['S', 'B'],
    test: (actual, [prefix]) => actual !== undefined && prefix !== undefined && beginsWith(actual, prefix),
  },
  IN: { counts: (n) => n > 0, types: SCALARS, test: (actual, args) => args.some((arg) => equal(actual, [arg])) },
  BETWEEN: {
    counts: (n) => n === 2,
    types: SCALARS,
    test: (actual, [low, high]) => ordered((o) => o >= 0)(actual, [low as AttributeValue]) && ordered((o) => o <= 0)(actual, [high as AttributeValue]),
  },
};

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

type Check = (item: Item | undefined) => boolean;

/**
 * An Expected entry may give its operand as Value; the Condition entries of
 * QueryFilter, ScanFilter and KeyConditions have only AttributeValueList, and
 * one left out is an empty list ("Invalid number of argument(s)", dynalite's
 * tests recorded against DynamoDB).
 */
type Form = 'Expected' | 'Condition';

function comparisonCheck(name: string, entry: Record<string, unknown>, form: Form): Check {
  if ('Exists' in entry) throw validation(`${INVALID}Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
  const operator = String(entry.ComparisonOperator);
  const rule = OPERATORS[operator];
  if (rule === undefined) throw validation(`${INVALID}Unsupported ComparisonOperator: ${operator}`);
  const hasList = 'AttributeValueList' in entry;
  if (form === 'Expected' && operator !== 'NULL' && operator !== 'NOT_NULL' && !hasList && !('Value' in entry)) {
    throw validation(`${INVALID}Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${name}`);
  }
  const raw = hasList ? (Array.isArray(entry.AttributeValueList) ? entry.AttributeValueList : []) : 'Value' in entry ? [entry.Value] : [];
  const args = raw.map((value) => validateAttributeValue(value));
  if (!rule.counts(args.length)) throw validation(`${INVALID}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
  const first = args[0];
  if (first !== undefined && args.some((arg) => typeOf(arg) !== typeOf(first))) {
    throw validation(`${INVALID}AttributeValues inside AttributeValueList must be of same type`);
  }
  const wrongType = rule.types && args.find((arg) => !rule.types?.includes(typeOf(arg)));
  if (wrongType) throw validation(`${INVALID}ComparisonOperator ${operator} is not valid for ${typeOf(wrongType)} AttributeValue type`);
  if (operator === 'BETWEEN' && (compareValues(args[0] as AttributeValue, args[1] as AttributeValue) ?? 0) > 0) {
    throw validation('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  }
  return (item) => rule.test(item?.[name], args);
}

function existsCheck(name: string, entry: Record<string, unknown>): Check {
  if ('AttributeValueList' in entry) {
    throw validation(`${INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
  }
  const exists = entry.Exists === undefined || entry.Exists === null || entry.Exists === true;
  const hasValue = entry.Value !== undefined && entry.Value !== null;
  if (exists && !hasValue) {
    throw validation(`${INVALID}Value must be provided when Exists is ${entry.Exists === undefined || entry.Exists === null ? 'null' : String(entry.Exists)} for Attribute: ${name}`);
  }
  if (!exists && hasValue) throw validation(`${INVALID}Value cannot be used when Exists is false for Attribute: ${name}`);
  if (!exists) return (item) => item?.[name] === undefined;
  const value = validateAttributeValue(entry.Value);
  return (item) => equal(item?.[name], [value]);
}

/** Each entry is checked before its attribute name (DynamoDB Local 3.3.1). */
function legacyCondition(conditions: unknown, conditionalOperator: unknown, form: Form): Condition {
  const checks: Check[] = [];
  for (const [name, entry] of Object.entries(isRecord(conditions) ? conditions : {})) {
    // DynamoDB Local 3.3.1's wording; dropping the entry instead would drop a condition.
    if (entry === null) {
      throw validation(form === 'Expected' ? `${INVALID}ExpectedAttributeValue must not be null for Attribute: ${name}` : `The filter condition for an attribute cannot be null: ${name}`);
    }
    const fields = isRecord(entry) ? entry : {};
    if (form === 'Expected' && 'AttributeValueList' in fields && 'Value' in fields) {
      throw validation(`${INVALID}Value and AttributeValueList cannot be used together for Attribute: ${name}`);
    }
    checks.push(form === 'Condition' || 'ComparisonOperator' in fields ? comparisonCheck(name, fields, form) : existsCheck(name, fields));
    checkAttributeName(name);
  }
  const any = conditionalOperator === 'OR';
  return { evaluate: (item) => (any ? checks.some((check) => check(item)) : checks.every((check) => check(item))) };
}

export function expectedCondition(expected: unknown, conditionalOperator: unknown): Condition {
  return legacyCondition(expected, conditionalOperator, 'Expected');
}

/** QueryFilter, ScanFilter and KeyConditions. */
export function filterCondition(conditions: unknown, conditionalOperator: unknown): Condition {
  return legacyCondition(conditions, conditionalOperator, 'Condition');
}
