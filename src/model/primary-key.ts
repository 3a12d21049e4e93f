/**
 * Extracting a table's primary key from a request, with DynamoDB's messages.
 * Two entry points because DynamoDB words the same faults differently for a
 * `Key` member (GetItem, DeleteItem, UpdateItem, ...) and for a whole `Item`
 * (PutItem, BatchWriteItem puts, transactional puts).
 * Both take values already validated by validate-value.ts.
 */
import type { Item, KeyType } from './attribute-value.js';
import { validation } from '../protocol/errors.js';
import type { KeyValue } from './key-codec.js';
import { own } from './own-property.js';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface KeySchema {
  readonly hash: KeyAttribute;
  readonly range?: KeyAttribute;
}

export interface PrimaryKey {
  readonly hash: KeyValue;
  readonly range?: KeyValue;
}

export const MAX_HASH_KEY_BYTES = 2048;
export const MAX_RANGE_KEY_BYTES = 1024;

const INVALID = 'One or more parameter values were invalid: ';
export const KEY_SCHEMA_MISMATCH = 'The provided key element does not match the schema';
export const HASH_KEY_TOO_LARGE = `${INVALID}Size of hashkey has exceeded the maximum size limit of2048 bytes`;
export const RANGE_KEY_TOO_LARGE = `${INVALID}Aggregated size of all range keys has exceeded the size limit of 1024 bytes`;

function emptyKeyMessage(name: string, type: 'S' | 'B'): string {
  const kind = type === 'S' ? 'string' : 'binary';
  return `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${kind} value. Key: ${name}`;
}

function byteLength(value: KeyValue): number {
  if ('S' in value) return Buffer.byteLength(value.S, 'utf8');
  if ('B' in value) return Buffer.byteLength(value.B, 'base64');
  return 0;
}

/** Checks a key value of the right type: non-empty and within its size limit. */
function checkKeyValue(value: KeyValue, attribute: KeyAttribute, isHash: boolean): KeyValue {
  if (attribute.type === 'N') return value;
  const size = byteLength(value);
  if (size === 0) throw validation(emptyKeyMessage(attribute.name, attribute.type));
  if (isHash && size > MAX_HASH_KEY_BYTES) throw validation(HASH_KEY_TOO_LARGE);
  if (!isHash && size > MAX_RANGE_KEY_BYTES) throw validation(RANGE_KEY_TOO_LARGE);
  return value;
}

function attributesOf(schema: KeySchema): [KeyAttribute, boolean][] {
  return schema.range ? [[schema.hash, true], [schema.range, false]] : [[schema.hash, true]];
}

function build(values: KeyValue[]): PrimaryKey {
  const [hash, range] = values as [KeyValue, KeyValue | undefined];
  return range === undefined ? { hash } : { hash, range };
}

/** The key named by a request's `Key` member, which must hold exactly the key attributes. */
export function keyFromKeyParameter(key: Item, schema: KeySchema): PrimaryKey {
  const attributes = attributesOf(schema);
  if (Object.keys(key).length !== attributes.length) throw validation(KEY_SCHEMA_MISMATCH);
  return build(
    attributes.map(([attribute, isHash]) => {
      const value = own(key, attribute.name);
      if (value === undefined || !(attribute.type in value)) throw validation(KEY_SCHEMA_MISMATCH);
      return checkKeyValue(value as KeyValue, attribute, isHash);
    }),
  );
}

/** The key of a whole item being written. */
export function keyFromItem(item: Item, schema: KeySchema): PrimaryKey {
  return build(
    attributesOf(schema).map(([attribute, isHash]) => {
      const value = own(item, attribute.name);
      if (value === undefined) throw validation(`${INVALID}Missing the key ${attribute.name} in the item`);
      if (!(attribute.type in value)) {
        const actual = Object.keys(value)[0] ?? '';
        throw validation(`${INVALID}Type mismatch for key ${attribute.name} expected: ${attribute.type} actual: ${actual}`);
      }
      return checkKeyValue(value as KeyValue, attribute, isHash);
    }),
  );
}
