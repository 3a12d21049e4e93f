/**
 * Key conditions of a Query: KeyConditionExpression (parsed with the
 * condition grammar, then restricted to what an index can serve) and the
 * legacy KeyConditions map both become a list of per-attribute terms. Which
 * attributes are keys is only known once the table is resolved, so the checks
 * against the key schema live with the Query operation; here are the checks
 * DynamoDB makes on the expression's form alone, with its messages.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { validation } from '../protocol/errors.js';
import type { ConditionNode, Operand } from './ast.js';
import type { AttributeMaps } from './attribute-maps.js';
import { checkBinding } from './condition.js';
import { filterCondition } from './legacy-expected.js';
import { Resolver } from './operands.js';

/** Legacy ComparisonOperator names; expressions map onto the indexable ones. */
export type KeyOperator = 'EQ' | 'LT' | 'LE' | 'GT' | 'GE' | 'BETWEEN' | 'BEGINS_WITH' | 'NE' | 'IN' | 'NULL' | 'NOT_NULL' | 'CONTAINS' | 'NOT_CONTAINS';

export interface KeyTerm {
  readonly name: string;
  readonly operator: KeyOperator;
  readonly values: readonly AttributeValue[];
}

const EXPRESSION = 'KeyConditionExpression';
const INDEXABLE_FUNCTIONS = new Set(['begins_with']);
const FLIPPED: Readonly<Record<string, KeyOperator>> = { '=': 'EQ', '<': 'GT', '<=': 'GE', '>': 'LT', '>=': 'LE' };
const DIRECT: Readonly<Record<string, KeyOperator>> = { '=': 'EQ', '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE' };

function invalidCondition(detail: string): never {
  throw validation(`Invalid condition in ${EXPRESSION}: ${detail}`);
}

/** The first operator or function a key condition cannot use, in reading order. */
function unsupportedOperator(node: ConditionNode): string | undefined {
  switch (node.kind) {
    case 'and':
      return unsupportedOperator(node.left) ?? unsupportedOperator(node.right);
    case 'or':
      return 'OR';
    case 'not':
      return 'NOT';
    case 'in':
      return 'IN';
    case 'compare':
      return node.operator === '<>' ? '<>' : undefined;
    case 'function':
      return INDEXABLE_FUNCTIONS.has(node.call.name) ? undefined : node.call.name;
    case 'between':
      return undefined;
  }
}

function conjuncts(node: ConditionNode): ConditionNode[] {
  return node.kind === 'and' ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

/**
 * The key attribute of one conjunct and its bound operands. `subject` is the
 * operand that must be the key attribute (BETWEEN, begins_with), or undefined
 * when either side may be (comparisons).
 */
function keyTerm(subject: Operand | undefined, others: readonly Operand[], operator: string, resolver: Resolver): { name: string; values: AttributeValue[] } {
  const operands = subject === undefined ? others : [subject, ...others];
  if (subject !== undefined && subject.kind === 'value') {
    invalidCondition(`${operator} operator must have the key attribute as its first operand`);
  }
  let key: Operand | undefined;
  const values: AttributeValue[] = [];
  for (const operand of operands) {
    if (operand.kind === 'call' || operand.kind === 'arithmetic') throw validation('KeyConditionExpressions cannot contain nested operations');
    if (operand.kind === 'value') {
      values.push(resolver.value(operand.name));
      continue;
    }
    if (key !== undefined) invalidCondition('Multiple attribute names used in one condition');
    if (operand.elements.length > 1) throw validation('KeyConditionExpressions cannot have conditions on nested attributes');
    key = operand;
  }
  if (key === undefined || key.kind !== 'path') return invalidCondition('No key attribute specified');
  return { name: resolver.path(key)[0] as string, values };
}

function termOf(node: ConditionNode, resolver: Resolver): KeyTerm {
  switch (node.kind) {
    case 'compare': {
      const term = keyTerm(undefined, [node.left, node.right], node.operator, resolver);
      // `:v < key` reads as `key > :v`.
      const operator = (node.left.kind === 'value' ? FLIPPED : DIRECT)[node.operator] as KeyOperator;
      return { name: term.name, operator, values: term.values };
    }
    case 'between':
      return { ...keyTerm(node.subject, [node.low, node.high], 'BETWEEN', resolver), operator: 'BETWEEN' };
    case 'function': {
      const [subject, ...rest] = node.call.args as [Operand, ...Operand[]];
      return { ...keyTerm(subject, rest, node.call.name, resolver), operator: 'BEGINS_WITH' };
    }
    default:
      throw new Error(`unexpected key condition node ${node.kind}`);
  }
}

/**
 * A multi-attribute GSI key has up to four partition and four sort
 * attributes; how many conditions a table or index takes is checked by Query
 * once the table is known.
 */
const MAX_KEY_CONDITIONS = 8;

function checkTermCount(terms: readonly KeyTerm[]): void {
  if (terms.length < 1 || terms.length > MAX_KEY_CONDITIONS) throw validation('Conditions can be of length 1 or 2 only');
}

function checkTermNames(terms: readonly KeyTerm[]): void {
  const names = terms.map((term) => term.name);
  if (new Set(names).size !== names.length) throw validation('KeyConditionExpressions must only contain one condition per key');
  checkTermCount(terms);
}

/**
 * Binds a parsed KeyConditionExpression: first the checks every condition
 * gets (names, values, functions, BETWEEN bounds) with the `Invalid
 * KeyConditionExpression:` prefix applied by the caller, then `restrict`
 * makes the key-condition-only checks.
 */
export function bindKeyCondition(root: ConditionNode, maps: AttributeMaps): () => KeyTerm[] {
  const resolver = checkBinding(root, maps);
  return () => {
    const operator = unsupportedOperator(root);
    if (operator !== undefined) throw validation(`Invalid operator used in ${EXPRESSION}: ${operator}`);
    const terms = conjuncts(root).map((node) => termOf(node, resolver));
    checkTermNames(terms);
    return terms;
  };
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/** The legacy KeyConditions map, validated with the messages Expected gets. */
export function keyConditionsTerms(keyConditions: unknown): KeyTerm[] {
  filterCondition(keyConditions, 'AND');
  const terms = Object.entries(isRecord(keyConditions) ? keyConditions : {}).map(([name, raw]): KeyTerm => {
    const entry = isRecord(raw) ? raw : {};
    const values = Array.isArray(entry.AttributeValueList) ? (entry.AttributeValueList as AttributeValue[]) : [];
    return { name, operator: String(entry.ComparisonOperator) as KeyOperator, values };
  });
  checkTermCount(terms);
  return terms;
}
