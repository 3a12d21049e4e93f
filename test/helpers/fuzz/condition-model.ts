/**
 * The model: what a condition means for one item, written from the Developer
 * Guide ("Comparison operator and function reference") and the behaviour
 * recorded against DynamoDB in Alternator's tests: a comparison with a missing
 * operand is false except `<>`, which is the negation of `=`; orderings hold
 * only between two strings, two numbers or two binaries; size() counts UTF-16
 * units of a string, bytes of a binary, members of a set, list or map and is
 * absent for other types; contains() finds a substring, a run of bytes, a set
 * member or a list element.
 */
import type { Condition, Operand } from './conditions.js';
import { valueAt } from './documents.js';
import { compareDecimals, type Item, type Value } from './values.js';

function ordered(x: Value, y: Value): number | undefined {
  if ('S' in x && 'S' in y) return Buffer.compare(Buffer.from(x.S), Buffer.from(y.S));
  if ('N' in x && 'N' in y) return compareDecimals(x.N, y.N);
  if ('B' in x && 'B' in y) return Buffer.compare(Buffer.from(x.B, 'base64'), Buffer.from(y.B, 'base64'));
  return undefined;
}

function sameMembers<T>(a: readonly T[], b: readonly T[], equal: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => equal(x, y)));
}

export function equal(x: Value, y: Value): boolean {
  const order = ordered(x, y);
  if (order !== undefined) return order === 0;
  if ('BOOL' in x && 'BOOL' in y) return x.BOOL === y.BOOL;
  if ('NULL' in x && 'NULL' in y) return true;
  if ('SS' in x && 'SS' in y) return sameMembers(x.SS, y.SS, (a, b) => a === b);
  if ('NS' in x && 'NS' in y) return sameMembers(x.NS, y.NS, (a, b) => compareDecimals(a, b) === 0);
  if ('BS' in x && 'BS' in y) return sameMembers(x.BS, y.BS, (a, b) => Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64')));
  if ('L' in x && 'L' in y) return x.L.length === y.L.length && x.L.every((v, i) => equal(v, y.L[i]!));
  if ('M' in x && 'M' in y) {
    const names = Object.keys(x.M);
    return names.length === Object.keys(y.M).length && names.every((n) => Object.hasOwn(y.M, n) && equal(x.M[n]!, y.M[n]!));
  }
  return false;
}

function size(value: Value | undefined): Value | undefined {
  if (value === undefined) return undefined;
  if ('S' in value) return { N: String(value.S.length) };
  if ('B' in value) return { N: String(Buffer.from(value.B, 'base64').length) };
  if ('SS' in value) return { N: String(value.SS.length) };
  if ('NS' in value) return { N: String(value.NS.length) };
  if ('BS' in value) return { N: String(value.BS.length) };
  if ('L' in value) return { N: String(value.L.length) };
  if ('M' in value) return { N: String(Object.keys(value.M).length) };
  return undefined;
}

function operand(o: Operand, item: Item | undefined): Value | undefined {
  switch (o.kind) {
    case 'value':
      return o.value;
    case 'path':
      return valueAt(item, o.path);
    case 'size':
      return size(valueAt(item, o.path));
  }
}

function contains(container: Value, member: Value): boolean {
  if ('S' in container) return 'S' in member && container.S.includes(member.S);
  if ('B' in container) return 'B' in member && Buffer.from(container.B, 'base64').includes(Buffer.from(member.B, 'base64'));
  if ('SS' in container) return 'S' in member && container.SS.includes(member.S);
  if ('NS' in container) return 'N' in member && container.NS.some((n) => compareDecimals(n, member.N) === 0);
  if ('BS' in container) return 'B' in member && container.BS.some((b) => Buffer.from(b, 'base64').equals(Buffer.from(member.B, 'base64')));
  if ('L' in container) return container.L.some((element) => equal(element, member));
  return false;
}

function typeName(value: Value): string {
  return Object.keys(value)[0]!;
}

const ORDERINGS = { '<': (o: number) => o < 0, '<=': (o: number) => o <= 0, '>': (o: number) => o > 0, '>=': (o: number) => o >= 0 };

/** Whether `item` (undefined: no item) satisfies `c`. */
export function holds(c: Condition, item: Item | undefined): boolean {
  switch (c.kind) {
    case 'compare': {
      const x = operand(c.left, item);
      const y = operand(c.right, item);
      const same = x !== undefined && y !== undefined && equal(x, y);
      if (c.operator === '=') return same;
      if (c.operator === '<>') return !same;
      const order = x !== undefined && y !== undefined ? ordered(x, y) : undefined;
      return order !== undefined && ORDERINGS[c.operator](order);
    }
    case 'between': {
      const [s, low, high] = [c.subject, c.low, c.high].map((o) => operand(o, item));
      if (s === undefined || low === undefined || high === undefined) return false;
      const fromLow = ordered(s, low);
      const toHigh = ordered(s, high);
      return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
    }
    case 'in': {
      const s = operand(c.subject, item);
      return s !== undefined && c.list.some((o) => {
        const candidate = operand(o, item);
        return candidate !== undefined && equal(s, candidate);
      });
    }
    case 'exists':
      return valueAt(item, c.path) !== undefined;
    case 'not_exists':
      return valueAt(item, c.path) === undefined;
    case 'type': {
      const value = valueAt(item, c.path);
      return value !== undefined && typeName(value) === c.type;
    }
    case 'begins_with': {
      const value = valueAt(item, c.path);
      const prefix = operand(c.operand, item);
      if (value === undefined || prefix === undefined) return false;
      if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
      if ('B' in value && 'B' in prefix) return Buffer.from(value.B, 'base64').subarray(0, Buffer.from(prefix.B, 'base64').length).equals(Buffer.from(prefix.B, 'base64'));
      return false;
    }
    case 'contains': {
      const value = valueAt(item, c.path);
      const member = operand(c.operand, item);
      return value !== undefined && member !== undefined && contains(value, member);
    }
    case 'not':
      return !holds(c.operand, item);
    case 'and':
      return holds(c.left, item) && holds(c.right, item);
    case 'or':
      return holds(c.left, item) || holds(c.right, item);
  }
}
