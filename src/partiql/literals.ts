/**
 * The value checks a statement's literals get before anything runs: the same
 * limits as every other write (no empty sets, sets of one scalar type without
 * duplicates, 32 levels of nesting), in the words DynamoDB's PartiQL uses for
 * them, which partly differ from the JSON API's. Each INSERT attribute value,
 * SET value and WHERE operand is a "root"; paths in messages start there.
 *
 * Messages recorded against live DynamoDB (eu-west-2, 2026-09) in floci's
 * PartiQL integration tests: "Empty bags are not supported", "Unsupported
 * data type in Bag. ...", the string-set duplicates text of the JSON API, the
 * number-set one ending "contains duplicates! under root", and "Nesting Levels
 * have exceeded supported limits under root.a[0]..." naming the first value
 * below the 32nd level.
 */
import { MAX_NESTING_LEVEL } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';
import type { Statement, ValueNode } from './ast.js';

const INVALID = 'One or more parameter values were invalid: ';

/** Set literals (`<<...>>`) hold strings only or numbers only, at least one, none twice. */
function checkSet(elements: readonly ValueNode[], path: string): void {
  if (elements.length === 0) throw validation('Empty bags are not supported');
  // A `?` member is checked with its value, once the request binds it.
  if (elements.some((element) => element.kind === 'parameter')) return;
  const literals = elements.flatMap((element) => (element.kind === 'literal' ? [element] : []));
  const strings = literals.every((literal) => 'S' in literal.value);
  const numbers = literals.every((literal) => 'N' in literal.value);
  if (literals.length !== elements.length || !(strings || numbers)) {
    throw validation('Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags');
  }
  const members = literals.map((literal) => ('S' in literal.value ? literal.value.S : (literal.value as { N: string }).N));
  if (new Set(members).size === members.length) return;
  const written = literals.map((literal, i) => literal.text ?? members[i]).join(', ');
  throw validation(strings ? `${INVALID}Input collection [${written}] contains duplicates.` : `${INVALID}Input collection [${written}] contains duplicates! under ${path}`);
}

/** Checks one root value; recursion stops at the nesting limit, so depth costs no stack. */
function checkValue(node: ValueNode, path: string, level: number): void {
  if (level > MAX_NESTING_LEVEL) throw validation(`Nesting Levels have exceeded supported limits under ${path}`);
  switch (node.kind) {
    case 'list':
      node.elements.forEach((element, i) => checkValue(element, `${path}[${i}]`, level + 1));
      return;
    case 'map':
      for (const [key, element] of node.entries) checkValue(element, `${path}.${key}`, level + 1);
      return;
    case 'set':
      checkSet(node.elements, path);
      return;
    default:
      return;
  }
}

/** Refuses a statement whose literals no write could store; ValidationException with DynamoDB's PartiQL text. */
export function checkLiterals(statement: Statement): void {
  if (statement.kind === 'insert' && statement.item.kind === 'map') {
    for (const [, value] of statement.item.entries) checkValue(value, 'root', 1);
  }
  for (const value of statement.symbols.values) checkValue(value, 'root', 1);
}
