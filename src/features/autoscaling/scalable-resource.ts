/**
 * What a DynamoDB scalable target names: a table (`table/<name>`) or a global
 * secondary index (`table/<name>/index/<index>`), and its read or write
 * capacity (`dynamodb:table:ReadCapacityUnits`, `dynamodb:index:WriteCapacityUnits`, ...).
 */
import type { IndexRecord, TableRecord, Throughput } from '../../engine/table.js';
import type { Access } from '../capacity/throughput-limits.js';

export const DYNAMODB_DIMENSIONS = [
  'dynamodb:table:ReadCapacityUnits',
  'dynamodb:table:WriteCapacityUnits',
  'dynamodb:index:ReadCapacityUnits',
  'dynamodb:index:WriteCapacityUnits',
] as const;

export interface ScalableResource {
  readonly tableName: string;
  readonly indexName?: string;
  readonly access: Access;
}

const TABLE_NAME = '[a-zA-Z0-9_.-]{3,255}';
const RESOURCE_ID = new RegExp(`^table/(${TABLE_NAME})(?:/index/(${TABLE_NAME}))?$`);

/** The table or index and capacity the pair names, or undefined when they do not name one together. */
export function scalableResource(resourceId: string, dimension: string): ScalableResource | undefined {
  const match = RESOURCE_ID.exec(resourceId);
  const [service, kind, property] = dimension.split(':');
  if (match === null || service !== 'dynamodb' || kind !== (match[2] === undefined ? 'table' : 'index')) return undefined;
  if (property !== 'ReadCapacityUnits' && property !== 'WriteCapacityUnits') return undefined;
  return { tableName: match[1]!, ...(match[2] === undefined ? {} : { indexName: match[2] }), access: property === 'ReadCapacityUnits' ? 'read' : 'write' };
}

/** "read capacity units": how activities name the capacity. */
export function capacityName(resource: ScalableResource): string {
  return `${resource.access} capacity units`;
}

export function indexOf(table: TableRecord, resource: ScalableResource): IndexRecord | undefined {
  return table.GlobalSecondaryIndexes.find((index) => index.IndexName === resource.indexName && index.IndexStatus !== 'DELETING');
}

/** The throughput the resource's capacity is part of, or undefined when the table has no such index. */
export function throughputOf(table: TableRecord, resource: ScalableResource): Throughput | undefined {
  return resource.indexName === undefined ? table.ProvisionedThroughput : indexOf(table, resource)?.ProvisionedThroughput;
}

export function unitsOf(throughput: Throughput, resource: ScalableResource): number {
  return resource.access === 'read' ? throughput.ReadCapacityUnits : throughput.WriteCapacityUnits;
}
