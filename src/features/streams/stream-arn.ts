/** Stream ARNs and sequence numbers as DynamoDB Streams writes them. */
import { tableArn, type TableRecord } from '../../engine/table.js';

export function streamArn(table: Pick<TableRecord, 'region' | 'account' | 'TableName'>, label: string): string {
  return `${tableArn(table)}/stream/${label}`;
}

/** Sequence numbers are numeric strings of 21 digits or more; zero-padding keeps them sorting as text too. */
export function formatSequence(sequence: number): string {
  return String(sequence).padStart(21, '0');
}

/** A sequence number from a request, or undefined when it is not one of ours. */
export function parseSequence(text: string): number | undefined {
  if (!/^\d{1,40}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
