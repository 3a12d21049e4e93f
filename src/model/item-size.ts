/**
 * Item size as DynamoDB measures it for the 400 KB item limit and capacity
 * units: the UTF-8 length of every attribute name plus the size of its value.
 *
 * - S: UTF-8 bytes; B: raw bytes; BOOL and NULL: 1 byte.
 * - N: DynamoDB stores numbers as base-100 digits aligned on the decimal point
 *   plus one exponent byte, and one more byte for negatives; zero takes 1.
 *   This refines the documented "1 byte per two significant digits + 1": the
 *   pairs are counted from the decimal point, so 0.11 (one pair, 11) takes
 *   2 bytes but 1.1 (two pairs, 01|10) takes 3.
 * - SS/NS/BS: the sum of their members.
 * - L: 3 bytes + 1 per element + the elements; M: 3 bytes + 1 per entry +
 *   names and values of the entries.
 */
import type { AttributeValue, Item } from './attribute-value.js';
import { parseNumber } from './numbers.js';

/** 400 KB. */
export const MAX_ITEM_SIZE = 409600;

export const ITEM_TOO_LARGE = 'Item size has exceeded the maximum allowed size';

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function base64Length(text: string): number {
  return Buffer.byteLength(text, 'base64');
}

export function numberSize(text: string): number {
  const { negative, digits, exponent } = parseNumber(text);
  if (digits === '') return 1;
  // Base-100 digit k holds decimal exponents 2k and 2k+1.
  const lowest = exponent - digits.length + 1;
  const pairs = Math.floor(exponent / 2) - Math.floor(lowest / 2) + 1;
  return 1 + pairs + (negative ? 1 : 0);
}

function sum<T>(members: readonly T[], size: (member: T) => number): number {
  let total = 0;
  for (const member of members) total += size(member);
  return total;
}

export function attributeValueSize(value: AttributeValue): number {
  if ('S' in value) return utf8Length(value.S);
  if ('N' in value) return numberSize(value.N);
  if ('B' in value) return base64Length(value.B);
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return sum(value.SS, utf8Length);
  if ('NS' in value) return sum(value.NS, numberSize);
  if ('BS' in value) return sum(value.BS, base64Length);
  if ('L' in value) return 3 + value.L.length + sum(value.L, attributeValueSize);
  const entries = Object.keys(value.M);
  return 3 + entries.length + itemSize(value.M);
}

export function itemSize(item: Readonly<Record<string, AttributeValue>>): number {
  let total = 0;
  for (const name in item) total += utf8Length(name) + attributeValueSize(item[name]!);
  return total;
}

/** True when the item fits DynamoDB's 400 KB limit. */
export function fitsItemLimit(item: Item): boolean {
  return itemSize(item) <= MAX_ITEM_SIZE;
}
