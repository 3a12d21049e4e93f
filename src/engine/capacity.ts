/**
 * Capacity accounting as DynamoDB charges it: a write unit per started KB of
 * the larger of the old and new item, a read unit per started 4 KB, halved
 * for eventually consistent reads.
 */
import type { TableRecord } from './table.js';

export type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE';

export function writeUnits(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024));
}

export function readUnits(sizeBytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(sizeBytes / 4096));
  return consistent ? units : units / 2;
}

export interface ConsumedCapacity {
  readonly TableName: string;
  readonly CapacityUnits: number;
  readonly Table?: { readonly CapacityUnits: number };
}

/** The ConsumedCapacity member of a response, or undefined when not asked for. */
export function consumedCapacity(
  mode: ReturnConsumedCapacity | undefined,
  table: TableRecord,
  units: number,
): ConsumedCapacity | undefined {
  if (mode === undefined || mode === 'NONE') return undefined;
  const total = { TableName: table.TableName, CapacityUnits: units };
  return mode === 'INDEXES' ? { ...total, Table: { CapacityUnits: units } } : total;
}
