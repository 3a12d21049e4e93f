/**
 * A small world of items for expression tests: a few attribute names (plain,
 * reserved words, names only an alias can spell), small pools of values so
 * that comparisons often meet equal values, and document paths into them.
 */
import fc from 'fast-check';
import { base64, type Item, type Value } from './values.js';

/** Top-level names; the last ones need an alias (a reserved word, a dot, a space, a non-ASCII letter) or a JavaScript object cannot hold them naively. */
export const TOP_NAMES = ['a', 'b', 'c', 'name', 'size', 'x.y', 'has space', 'é', '__proto__', 'constructor', 'toString'] as const;
/** Names of map members. */
export const MEMBER_NAMES = ['a', 'p', 'name', '__proto__'] as const;

const STRINGS = ['', 'a', 'ab', 'b', 'ba', 'é', 'A'];
// Spelled several ways: 1 and 1.0 are one number.
const NUMBERS = ['-1', '0', '1', '1.0', '2.5', '10', '-0.5', '1E1'];
const BYTES = [[], [0], [1], [0, 1], [255]].map((b) => base64(new Uint8Array(b)));

export const stringValue = fc.constantFrom(...STRINGS).map((S): Value => ({ S }));
export const numberValue = fc.constantFrom(...NUMBERS).map((N): Value => ({ N }));
export const binaryValue = fc.constantFrom(...BYTES).map((B): Value => ({ B }));
/** A value of a type that orders: S, N or B. */
export const orderedValue = fc.oneof(stringValue, numberValue, binaryValue);

const distinctNumbers = (members: string[]) => members.filter((n, i) => members.findIndex((m) => Number(m) === Number(n)) === i);

/** Any value of the pools, containers nested to `depth`. */
export function poolValue(depth = 2): fc.Arbitrary<Value> {
  const scalars: fc.Arbitrary<Value>[] = [
    stringValue,
    numberValue,
    binaryValue,
    fc.boolean().map((BOOL): Value => ({ BOOL })),
    fc.constant<Value>({ NULL: true }),
    fc.uniqueArray(fc.constantFrom(...STRINGS.filter(Boolean)), { minLength: 1, maxLength: 3 }).map((SS): Value => ({ SS })),
    fc.uniqueArray(fc.constantFrom(...NUMBERS), { minLength: 1, maxLength: 3 }).map((NS): Value => ({ NS: distinctNumbers(NS) })),
    fc.uniqueArray(fc.constantFrom(...BYTES), { minLength: 1, maxLength: 3 }).map((BS): Value => ({ BS })),
  ];
  if (depth === 0) return fc.oneof(...scalars);
  const inner = poolValue(depth - 1);
  return fc.oneof(
    ...scalars,
    fc.array(inner, { maxLength: 3 }).map((L): Value => ({ L })),
    fc.dictionary(fc.constantFrom(...MEMBER_NAMES), inner, { maxKeys: 3 }).map((M): Value => ({ M: Object.fromEntries(Object.entries(M)) })),
  );
}

/** An item's attributes besides its key. */
export const poolAttributes: fc.Arbitrary<Item> = fc
  .dictionary(fc.constantFrom(...TOP_NAMES), poolValue(), { maxKeys: 6 })
  .map((entries) => Object.fromEntries(Object.entries(entries)));

export type Step = string | number;
/** A document path: a top-level name, then map members and list indexes. */
export type Path = readonly [string, ...Step[]];

export const path: fc.Arbitrary<Path> = fc
  .tuple(fc.constantFrom<string>(...TOP_NAMES), fc.array(fc.oneof(fc.constantFrom<Step>(...MEMBER_NAMES), fc.nat(2)), { maxLength: 2 }))
  .map(([head, rest]): Path => [head, ...rest]);

export const samePath = (a: Path, b: Path): boolean => a.length === b.length && a.every((step, i) => step === b[i]);

/** The value at `path` in `item`, if any. */
export function valueAt(item: Item | undefined, at: Path): Value | undefined {
  let value: Value | undefined = item && Object.hasOwn(item, at[0]) ? item[at[0]] : undefined;
  for (const step of at.slice(1)) {
    if (value === undefined) return undefined;
    if (typeof step === 'number') value = 'L' in value ? value.L[step] : undefined;
    else value = 'M' in value && Object.hasOwn(value.M, step) ? value.M[step] : undefined;
  }
  return value;
}
