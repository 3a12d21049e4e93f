/**
 * Items as the crash test holds them (the SDK's AttributeValue maps) and one
 * canonical text per item, so "the same item" means the same text: map
 * members sorted by name, set members sorted, numbers as written (the test
 * writes only canonical integers, which the server keeps as they are).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

function canonicalValue(value: AttributeValue): string {
  if (value.S !== undefined) return `{"S":${JSON.stringify(value.S)}}`;
  if (value.N !== undefined) return `{"N":"${value.N}"}`;
  if (value.BOOL !== undefined) return `{"BOOL":${value.BOOL}}`;
  if (value.NULL !== undefined) return '{"NULL":true}';
  if (value.SS !== undefined) return `{"SS":${JSON.stringify([...value.SS].sort())}}`;
  if (value.NS !== undefined) return `{"NS":${JSON.stringify([...value.NS].sort())}}`;
  if (value.L !== undefined) return `{"L":[${value.L.map(canonicalValue).join(',')}]}`;
  if (value.M !== undefined) return `{"M":${canonicalItem(value.M)}}`;
  throw new Error(`the crash test writes no such value: ${JSON.stringify(value)}`);
}

export function canonicalItem(item: Item | undefined): string {
  if (item === undefined) return 'absent';
  const names = Object.keys(item).sort();
  return `{${names.map((name) => `${JSON.stringify(name)}:${canonicalValue(item[name]!)}`).join(',')}}`;
}

export function sameItem(a: Item | undefined, b: Item | undefined): boolean {
  return canonicalItem(a) === canonicalItem(b);
}

/** Short enough for a violation message. */
export function show(item: Item | undefined): string {
  const text = canonicalItem(item);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

export const S = (text: string): AttributeValue => ({ S: text });
export const N = (value: number): AttributeValue => ({ N: String(value) });
