/**
 * Whether two items hold the same attributes and values: a write that changes
 * nothing logs no change (features/item-change-hooks.ts). Map members compare
 * by name, not by the order they were written in, and sets by their members.
 */
import type { AttributeValue } from './attribute-value.js';

function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if ('S' in a) return 'S' in b && a.S === b.S;
  if ('N' in a) return 'N' in b && a.N === b.N;
  if ('B' in a) return 'B' in b && a.B === b.B;
  if ('BOOL' in a) return 'BOOL' in b && a.BOOL === b.BOOL;
  if ('NULL' in a) return 'NULL' in b;
  if ('L' in a) return 'L' in b && a.L.length === b.L.length && a.L.every((value, i) => sameValue(value, b.L[i]!));
  if ('M' in a) return 'M' in b && sameItem(a.M, b.M);
  if ('SS' in a) return 'SS' in b && sameSet(a.SS, b.SS);
  if ('NS' in a) return 'NS' in b && sameSet(a.NS, b.NS);
  return 'BS' in b && sameSet(a.BS, b.BS);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  return b.every((member) => members.has(member));
}

export function sameItem(a: Readonly<Record<string, AttributeValue>>, b: Readonly<Record<string, AttributeValue>>): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && sameValue(a[name]!, b[name]!));
}

