/**
 * Condition expressions generated from DynamoDB's grammar (Developer Guide,
 * "Condition and filter expressions"), as trees the model evaluates, valid by
 * construction: at most one pair of parentheses around a node, ordering
 * operators only on strings, numbers and binaries, BETWEEN bounds in order,
 * no function comparing a path with itself.
 */
import fc from 'fast-check';
import { numberValue as poolNumber, orderedValue, path, poolValue, samePath, stringValue, binaryValue, type Path } from './documents.js';
import type { Value } from './values.js';

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Operand = { readonly kind: 'path'; readonly path: Path } | { readonly kind: 'value'; readonly value: Value } | { readonly kind: 'size'; readonly path: Path };

export type Condition =
  | { readonly kind: 'compare'; readonly operator: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly subject: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly subject: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'exists' | 'not_exists'; readonly path: Path }
  | { readonly kind: 'type'; readonly path: Path; readonly type: string }
  | { readonly kind: 'begins_with' | 'contains'; readonly path: Path; readonly operand: Operand }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition };

export const TYPE_NAMES = ['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS'] as const;

const pathOperand = path.map((p): Operand => ({ kind: 'path', path: p }));
const sizeOperand = path.map((p): Operand => ({ kind: 'size', path: p }));
const value = (arbitrary: fc.Arbitrary<Value>) => arbitrary.map((v): Operand => ({ kind: 'value', value: v }));

/** A subject of a comparison: a path or size(path). */
const subject = fc.oneof({ weight: 3, arbitrary: pathOperand }, { weight: 1, arbitrary: sizeOperand });
const anyOperand = fc.oneof(pathOperand, sizeOperand, value(poolValue()));
const orderedOperand = fc.oneof(pathOperand, sizeOperand, value(orderedValue));

/** A first operand repeated among the others is refused ("must be distinct"). */
const distinct = (a: Operand, b: Operand) => !(a.kind === 'path' && b.kind === 'path' && samePath(a.path, b.path));

const compare = fc
  .tuple(fc.constantFrom<Comparator>('=', '<>', '<', '<=', '>', '>='), subject, anyOperand, orderedOperand, fc.boolean())
  .map(([operator, left, any, ordered, swap]): Condition => {
    const right = operator === '=' || operator === '<>' ? any : ordered;
    return swap ? { kind: 'compare', operator, left: right, right: left } : { kind: 'compare', operator, left, right };
  })
  .filter((c) => c.kind === 'compare' && distinct(c.left, c.right));

/** BETWEEN with two literal bounds of one type in order, or with a path bound. */
const between = fc
  .tuple(subject, fc.oneof(stringValue, poolNumber, binaryValue).chain((v) => fc.tuple(fc.constant(v), sameType(v))), pathOperand, fc.nat(2))
  .map(([s, [x, y], p, shape]): Condition => {
    const [low, high] = orderValues(x, y);
    if (shape === 1) return { kind: 'between', subject: s, low: p, high: { kind: 'value', value: high } };
    if (shape === 2) return { kind: 'between', subject: s, low: { kind: 'value', value: low }, high: p };
    return { kind: 'between', subject: s, low: { kind: 'value', value: low }, high: { kind: 'value', value: high } };
  })
  .filter((c) => c.kind === 'between' && distinct(c.subject, c.low) && distinct(c.subject, c.high));

function sameType(v: Value): fc.Arbitrary<Value> {
  return 'S' in v ? stringValue : 'N' in v ? poolNumber : binaryValue;
}

function orderValues(x: Value, y: Value): [Value, Value] {
  return compareOrdered(x, y) <= 0 ? [x, y] : [y, x];
}

/** Order of two values of one ordered type (the model's, see condition-model.ts for the semantics). */
export function compareOrdered(x: Value, y: Value): number {
  if ('N' in x && 'N' in y) return Math.sign(Number(x.N) - Number(y.N));
  if ('S' in x && 'S' in y) return Buffer.compare(Buffer.from(x.S), Buffer.from(y.S));
  if ('B' in x && 'B' in y) return Buffer.compare(Buffer.from(x.B, 'base64'), Buffer.from(y.B, 'base64'));
  throw new Error('values of different types');
}

const inList = fc
  .tuple(subject, fc.array(anyOperand, { minLength: 1, maxLength: 4 }))
  .filter(([s, list]) => list.every((member) => distinct(s, member)))
  .map(([s, list]): Condition => ({ kind: 'in', subject: s, list }));

const functionCall = fc.oneof(
  path.map((p): Condition => ({ kind: 'exists', path: p })),
  path.map((p): Condition => ({ kind: 'not_exists', path: p })),
  fc.tuple(path, fc.constantFrom(...TYPE_NAMES)).map(([p, type]): Condition => ({ kind: 'type', path: p, type })),
  fc.tuple(path, fc.oneof(value(fc.oneof(stringValue, binaryValue)), pathOperand)).map(([p, operand]): Condition => ({ kind: 'begins_with', path: p, operand })),
  fc.tuple(path, fc.oneof(value(poolValue(1)), pathOperand)).map(([p, operand]): Condition => ({ kind: 'contains', path: p, operand })),
).filter((c) => !(('operand' in c) && c.operand.kind === 'path' && 'path' in c && samePath(c.path, c.operand.path)));

const predicate = fc.oneof({ weight: 4, arbitrary: compare }, { weight: 1, arbitrary: between }, { weight: 1, arbitrary: inList }, { weight: 3, arbitrary: functionCall });

/** A condition of up to `depth` levels of NOT, AND and OR. */
export function condition(depth = 3): fc.Arbitrary<Condition> {
  if (depth === 0) return predicate;
  const inner = condition(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: predicate },
    { weight: 1, arbitrary: inner.map((operand): Condition => ({ kind: 'not', operand })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), inner, inner).map(([kind, left, right]): Condition => ({ kind, left, right })) },
  );
}

/** Every path a condition reads. */
export function conditionPaths(c: Condition): Path[] {
  const ofOperand = (o: Operand): Path[] => (o.kind === 'value' ? [] : [o.path]);
  switch (c.kind) {
    case 'compare':
      return [...ofOperand(c.left), ...ofOperand(c.right)];
    case 'between':
      return [c.subject, c.low, c.high].flatMap(ofOperand);
    case 'in':
      return [c.subject, ...c.list].flatMap(ofOperand);
    case 'exists':
    case 'not_exists':
    case 'type':
      return [c.path];
    case 'begins_with':
    case 'contains':
      return [c.path, ...ofOperand(c.operand)];
    case 'not':
      return conditionPaths(c.operand);
    case 'and':
    case 'or':
      return [...conditionPaths(c.left), ...conditionPaths(c.right)];
  }
}
