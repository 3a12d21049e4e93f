/**
 * An import's ARN is its table's ARN with `/import/<id>` appended, the id
 * being the start time in milliseconds, zero-padded to 14 digits, a hyphen and
 * eight hex digits, as DynamoDB's own (developer guide, "Import format quotas
 * and validation": `.../table/target-table/import/01658528578619-c4d4e311`).
 */
import { randomBytes } from 'node:crypto';
import { tableArn } from '../../engine/table.js';

const IMPORT_ARN = /^arn:aws:dynamodb:([^:]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})\/import\/(\d{14}-[0-9a-f]{8})$/;

export interface ImportArn {
  readonly region: string;
  readonly account: string;
  readonly tableName: string;
}

export function newImportArn(table: { region: string; account: string; TableName: string }, startedAt: number): string {
  return `${tableArn(table)}/import/${String(startedAt).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
}

/** The parts of a well-formed import ARN; undefined for anything else. */
export function parseImportArn(arn: string): ImportArn | undefined {
  const match = IMPORT_ARN.exec(arn);
  if (match === null) return undefined;
  const [, region, account, tableName] = match as unknown as [string, string, string, string];
  return { region, account, tableName };
}

/** Where DynamoDB writes an import's error log: its CloudWatch log group, which DescribeImport always names. */
export function importLogGroupArn(region: string, account: string): string {
  return `arn:aws:logs:${region}:${account}:log-group:/aws-dynamodb/imports:*`;
}
