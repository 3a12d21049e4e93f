/**
 * The replication API carries table definitions, replica entries and
 * settings as JSON texts (a shape of their own would restate the table's
 * whole model). A text that does not parse, or is not the kind of object
 * named, is the request's ValidationException, never a failure of the
 * server: the caller is a peer, but bad input of any kind gets DynamoDB's
 * error.
 */
import { validation } from '../../protocol/errors.js';
import type { NewTable } from '../../engine/catalog.js';
import type { ReplicaRecord } from '../../engine/table.js';
import type { SharedChange } from '../tables/shared-settings.js';
import type { ReplicaMemberInput } from '../tables/replica-updates.js';

type Check<T> = (value: Record<string, unknown>) => value is Record<string, unknown> & T;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse<T>(text: string, member: string, what: string, check: Check<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validation(`${member} is not valid JSON`);
  }
  if (!isObject(value) || !check(value)) throw validation(`${member} is not ${what}`);
  return value;
}

const arrays = (value: Record<string, unknown>, ...names: string[]) => names.every((name) => Array.isArray(value[name]));
const strings = (value: Record<string, unknown>, ...names: string[]) => names.every((name) => typeof value[name] === 'string');

export function parseDefinition(text: string): NewTable {
  return parse<NewTable>(text, 'Definition', 'a table definition', (value): value is Record<string, unknown> & NewTable =>
    strings(value, 'TableName', 'BillingMode') && arrays(value, 'KeySchema', 'AttributeDefinitions', 'LocalSecondaryIndexes', 'GlobalSecondaryIndexes', 'Replicas') && isObject(value.ProvisionedThroughput),
  );
}

export function parseReplicaEntry(text: string): ReplicaRecord {
  return parse<ReplicaRecord>(text, 'Replica', 'a replica entry', (value): value is Record<string, unknown> & ReplicaRecord => strings(value, 'RegionName', 'ReplicaStatus'));
}

export function parseReplicaUpdate(text: string): ReplicaMemberInput {
  return parse<ReplicaMemberInput>(text, 'Replica', 'a replica update', (value): value is Record<string, unknown> & ReplicaMemberInput => strings(value, 'RegionName'));
}

export function parseSharedChange(text: string): SharedChange {
  return parse<SharedChange>(text, 'Change', 'a change of shared settings', (value): value is Record<string, unknown> & SharedChange =>
    ['table', 'AttributeDefinitions', 'createIndexes', 'deleteIndexes', 'updateIndexes', 'reads'].every((name) => value[name] === undefined || (name === 'table' ? isObject(value[name]) : Array.isArray(value[name]))),
  );
}
