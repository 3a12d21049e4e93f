/**
 * DynamoDB's value semantics: ordering of scalars (strings by UTF-8 bytes,
 * binaries by unsigned bytes, numbers exactly) and deep equality, where sets
 * are equal as sets whatever their member order.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { compareBase64 as compareBinaries, compareUtf8 as compareStrings } from '../model/key-codec.js';
import { compareNumbers } from '../model/numbers.js';

export { compareUtf8 as compareStrings, compareBase64 as compareBinaries } from '../model/key-codec.js';

/** Order of two values of the same ordered type (S, N or B); undefined when not comparable. */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  if ('B' in a && 'B' in b) return compareBinaries(a.B, b.B);
  return undefined;
}

function sameMembers(a: readonly string[], b: readonly string[], compare: (x: string, y: string) => number): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => compare(x, y) === 0));
}

export function setHas(set: AttributeValue, member: AttributeValue): boolean {
  if ('SS' in set && 'S' in member) return set.SS.includes(member.S);
  if ('NS' in set && 'N' in member) return set.NS.some((n) => compareNumbers(n, member.N) === 0);
  if ('BS' in set && 'B' in member) return set.BS.some((b) => compareBinaries(b, member.B) === 0);
  return false;
}

export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  if ('S' in a || 'N' in a || 'B' in a) return compareValues(a, b) === 0;
  if ('BOOL' in a && 'BOOL' in b) return a.BOOL === b.BOOL;
  if ('NULL' in a) return true;
  if ('SS' in a && 'SS' in b) return sameMembers(a.SS, b.SS, (x, y) => (x === y ? 0 : 1));
  if ('NS' in a && 'NS' in b) return sameMembers(a.NS, b.NS, compareNumbers);
  if ('BS' in a && 'BS' in b) return sameMembers(a.BS, b.BS, compareBinaries);
  if ('L' in a && 'L' in b) {
    return a.L.length === b.L.length && a.L.every((x, i) => valuesEqual(x, b.L[i] as AttributeValue));
  }
  if ('M' in a && 'M' in b) {
    const keys = Object.keys(a.M);
    return (
      keys.length === Object.keys(b.M).length &&
      keys.every((k) => Object.hasOwn(b.M, k) && valuesEqual(a.M[k] as AttributeValue, b.M[k] as AttributeValue))
    );
  }
  return false;
}
