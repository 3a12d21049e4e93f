/**
 * Export lines in DynamoDB JSON (Developer Guide, "DynamoDB table export
 * output format"): JSON lines, each one object of attribute maps in
 * DynamoDB's marshalled form, `{"Item":{...}}` for a full export. Stored
 * items are already DynamoDB JSON, binaries included as base64 text.
 */
import type { ExportLine } from './export-lines.js';

export function dynamodbJsonLine(line: ExportLine): string {
  return JSON.stringify(line);
}
