/**
 * Declarative request shapes, checked the way DynamoDB's front end (Coral)
 * checks them, in two passes:
 *
 * 1. Deserialisation: a JSON value of the wrong kind for a member is a
 *    SerializationException with Coral's Jackson-flavoured text. Unknown
 *    members and nulls are dropped, as Coral drops them, except a null
 *    attribute value (or item) in a list or a map, which is kept for the value
 *    checks to refuse.
 * 2. Constraints: required members, lengths, ranges, enums and patterns are
 *    collected into one "N validation errors detected: ..." message (at most
 *    ten reported, and counted), naming each value by its Java rendering and
 *    its path.
 *
 * Operation-specific checks (key schemas, expressions, ...) come after both.
 */
import { DynamoError, validation } from './errors.js';
import { MESSAGES } from '../model/validate-value.js';

export type Shape =
  | StringShape
  | NumberShape
  | BooleanShape
  | BlobShape
  | ListShape
  | MapShape
  | StructureShape
  | AttributeValueShape;

interface Constrained {
  /** "Member must not be null" when absent. */
  readonly required?: boolean;
  /**
   * DynamoDB checks some members in a newer layer that names them as declared
   * ("Value at 'Limit' ...") and leaves the value out.
   */
  readonly valueless?: boolean;
}

/** Where a value sits: Coral's lower-camel path, and the path as the API declares it. */
interface MemberPath {
  readonly coral: string;
  readonly declared: string;
}

function child(path: MemberPath, coral: string, declared = coral): MemberPath {
  return { coral: `${path.coral}.${coral}`, declared: `${path.declared}.${declared}` };
}

export interface StringShape extends Constrained {
  readonly kind: 'string';
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

export interface NumberShape extends Constrained {
  /** `double` also stands for timestamps, which the JSON protocols send as (fractional) epoch seconds. */
  readonly kind: 'integer' | 'long' | 'double';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanShape extends Constrained {
  readonly kind: 'boolean';
}

export interface BlobShape extends Constrained {
  readonly kind: 'blob';
}

export interface ListShape extends Constrained {
  readonly kind: 'list';
  readonly member: Shape;
  readonly minLength?: number;
  readonly maxLength?: number;
}

export interface MapShape extends Constrained {
  readonly kind: 'map';
  readonly value: Shape;
  /** The Java type name of the values, for Coral's "Unrecognized collection type" text. */
  readonly valueType: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly keyMinLength?: number;
  readonly keyMaxLength?: number;
  /** A pattern every key must match, reported with the key lengths as "Map keys must satisfy constraint". */
  readonly keyPattern?: string;
  /** Constraints on each value's length, reported as "Map value must satisfy constraint". */
  readonly valueMinLength?: number;
  readonly valueMaxLength?: number;
  /** A null value is kept (as Jackson keeps it) for the operation to refuse with a message of its own. */
  readonly keepsNullValues?: boolean;
}

export interface StructureShape extends Constrained {
  readonly kind: 'structure';
  /** The Coral type name, e.g. KeySchemaElement. */
  readonly name: string;
  readonly members: Readonly<Record<string, Shape>>;
}

/** An AttributeValue: only its JSON container kind is checked here; its content is validated by the model. */
export interface AttributeValueShape extends Constrained {
  readonly kind: 'attributeValue';
}

const NS = 'com.amazonaws.dynamodb.v20120810';

/** How many constraint violations one ValidationException lists. */
const MAX_LISTED_ERRORS = 10;

// Shape constructors keep operation definitions short and readable.
export const str = (c: Omit<StringShape, 'kind'> = {}): StringShape => ({ kind: 'string', ...c });
export const int = (c: Omit<NumberShape, 'kind'> = {}): NumberShape => ({ kind: 'integer', ...c });
export const long = (c: Omit<NumberShape, 'kind'> = {}): NumberShape => ({ kind: 'long', ...c });
export const double = (c: Omit<NumberShape, 'kind'> = {}): NumberShape => ({ kind: 'double', ...c });
export const bool = (c: Omit<BooleanShape, 'kind'> = {}): BooleanShape => ({ kind: 'boolean', ...c });
export const blob = (c: Omit<BlobShape, 'kind'> = {}): BlobShape => ({ kind: 'blob', ...c });
export const list = (member: Shape, c: Omit<ListShape, 'kind' | 'member'> = {}): ListShape => ({
  kind: 'list',
  member,
  ...c,
});
export const map = (value: Shape, valueType: string, c: Omit<MapShape, 'kind' | 'value' | 'valueType'> = {}): MapShape => ({
  kind: 'map',
  value,
  valueType,
  ...c,
});
export const struct = (
  name: string,
  members: Record<string, Shape>,
  c: Omit<StructureShape, 'kind' | 'name' | 'members'> = {},
): StructureShape => ({ kind: 'structure', name, members, ...c });
export const attributeValue = (c: Omit<AttributeValueShape, 'kind'> = {}): AttributeValueShape => ({
  kind: 'attributeValue',
  ...c,
});
/** A map of attribute name to AttributeValue: an item or a key. */
export const attributeMap = (c: Omit<MapShape, 'kind' | 'value' | 'valueType'> = {}): MapShape =>
  map(attributeValue(), `java.lang.String, ${NS}.AttributeValue`, c);

function serialization(message: string): DynamoError {
  return new DynamoError('SerializationException', message);
}

function kindOf(value: unknown): 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'object' | 'string' | 'number' | 'boolean';
}

function scalarToken(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
  if (typeof value === 'number') return Number.isInteger(value) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE';
  return 'STRING_VALUE';
}

const ATTRIBUTE_VALUE_MEMBERS: Readonly<Record<string, 'string' | 'blob' | 'boolean' | 'list' | 'blobList' | 'map'>> = {
  S: 'string',
  N: 'string',
  B: 'blob',
  BOOL: 'boolean',
  NULL: 'boolean',
  SS: 'list',
  NS: 'list',
  BS: 'blobList',
  L: 'list',
  M: 'map',
};

/**
 * Pass 1: returns a copy of `value` with unknown members and nulls removed and
 * each member of the declared JSON kind, or throws SerializationException.
 */
export function deserialize(value: unknown, shape: Shape, depth = 0): unknown {
  const kind = kindOf(value);
  if (kind === 'null') return undefined;
  switch (shape.kind) {
    case 'string':
      if (kind === 'string') return value;
      if (kind === 'array') throw serialization('Unrecognized collection type class java.lang.String');
      if (kind === 'object') throw serialization('Start of structure or map found where not expected');
      throw serialization(`${scalarToken(value)} cannot be converted to String`);
    case 'integer':
    case 'long':
    case 'double': {
      const javaName = shape.kind === 'integer' ? 'Integer' : shape.kind === 'long' ? 'Long' : 'Double';
      if (kind === 'number') return shape.kind === 'double' ? value : Math.trunc(value as number);
      if (kind === 'array') throw serialization(`Unrecognized collection type class java.lang.${javaName}`);
      if (kind === 'object') throw serialization('Start of structure or map found where not expected');
      throw serialization(`${scalarToken(value)} cannot be converted to ${javaName}`);
    }
    case 'boolean':
      return deserializeBoolean(value);
    case 'blob':
      return deserializeBlob(value);
    case 'list': {
      if (kind === 'object') throw serialization('Start of structure or map found where not expected');
      if (kind !== 'array') throw serialization('Unexpected field type');
      return deserializeList(value as unknown[], shape.member, depth);
    }
    case 'map': {
      if (kind === 'array') throw serialization(`Unrecognized collection type java.util.Map<${shape.valueType}>`);
      if (kind !== 'object') throw serialization('Unexpected field type');
      return convertEntries(value as Record<string, unknown>, shape.value, depth, shape.keepsNullValues === true ? keepNullMember : deserializeMember);
    }
    case 'structure': {
      if (kind === 'array') throw serialization(`Unrecognized collection type class ${NS}.${shape.name}`);
      if (kind !== 'object') throw serialization('Unexpected field type');
      const out: Record<string, unknown> = {};
      const input = value as Record<string, unknown>;
      for (const name in shape.members) {
        const checked = deserialize(input[name], shape.members[name]!, depth);
        if (checked !== undefined) out[name] = checked;
      }
      return out;
    }
    case 'attributeValue':
      return deserializeAttributeValue(value, depth);
  }
}

// Requests are mostly well-formed: lists, maps and attribute values come back
// as they were unless a member is dropped or converted, so checking an item
// allocates nothing. (Structures are always rebuilt: their members are then
// in declared order, which the constraint messages render.)

function deserializeList(input: unknown[], member: Shape, depth: number): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < input.length; i++) {
    const checked = deserializeElement(input[i], member, depth);
    if (out === undefined && checked !== input[i]) out = input.slice(0, i);
    if (out !== undefined) out.push(checked);
  }
  return out ?? input;
}

function deserializeMember(member: unknown, _key: string, shape: Shape, depth: number): unknown {
  return deserializeElement(member, shape, depth);
}

function keepNullMember(member: unknown, key: string, shape: Shape, depth: number): unknown {
  return member === null ? null : deserializeMember(member, key, shape, depth);
}

/**
 * A list member or a map value. A null attribute value there (`"x": null`,
 * `{"L": [null]}`, a null among BatchGetItem's keys) is kept as null: DynamoDB
 * refuses it with a message of its own ("The supplied Item contains a null
 * AttributeValue", aws/aws-sdk-java#2103, recorded against DynamoDB) among its
 * value checks, not as a missing member. Other nulls are dropped, or in a list
 * reported by pass 2.
 */
function deserializeElement(value: unknown, shape: Shape, depth: number): unknown {
  if (value === null && (shape.kind === 'attributeValue' || (shape.kind === 'map' && shape.value.kind === 'attributeValue'))) {
    return null;
  }
  return deserialize(value, shape, depth);
}

/** Converts each entry of a JSON object, dropping those converted to undefined; the input itself when none changed. */
function convertEntries<S>(
  input: Record<string, unknown>,
  context: S,
  depth: number,
  convert: (member: unknown, key: string, context: S, depth: number) => unknown,
): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in input) {
    const member = input[key];
    const converted = convert(member, key, context, depth);
    if (out === undefined) {
      if (converted === member) continue;
      out = {};
      for (const earlier in input) {
        if (earlier === key) break;
        setOwn(out, earlier, input[earlier]);
      }
    }
    if (converted !== undefined) setOwn(out, key, converted);
  }
  return out ?? input;
}

// Keys are arbitrary (attribute names): assigning "__proto__" would replace
// the prototype instead of adding a member.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function deserializeBoolean(value: unknown): boolean {
  switch (kindOf(value)) {
    case 'boolean':
      return value as boolean;
    case 'string': {
      // Coral's Jackson accepts a few spellings of booleans in strings.
      const upper = (value as string).toUpperCase();
      if (upper === 'TRUE' || upper === '1' || upper === 'YES') return true;
      if (upper === 'FALSE' || upper === '0' || upper === 'NO') return false;
      throw serialization('Unexpected token received from parser');
    }
    case 'array':
      throw serialization('Unrecognized collection type class java.lang.Boolean');
    case 'object':
      throw serialization('Start of structure or map found where not expected');
    default:
      throw serialization(`${scalarToken(value)} cannot be converted to Boolean`);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function deserializeBlob(value: unknown): string {
  const kind = kindOf(value);
  if (kind === 'array') throw serialization('Unrecognized collection type class java.nio.ByteBuffer');
  if (kind === 'object') throw serialization('Start of structure or map found where not expected');
  if (kind !== 'string') throw serialization('only base-64-encoded strings are convertible to bytes');
  const text = value as string;
  if (text.length % 4 !== 0) {
    throw serialization(`Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  }
  if (!BASE64.test(text)) throw serialization('Invalid last non-pad Base64 character dectected');
  return text;
}

/**
 * How deep attribute values may nest before pass 1 stops reading them. DynamoDB
 * refuses more than 32 levels later, with the same message; this bound only
 * keeps an absurdly deep value (ScyllaDB's test_deeply_nested_put sends
 * 200,000 levels) from exhausting the stack.
 */
const MAX_VALUE_DEPTH = 256;

function deserializeAttributeValue(value: unknown, depth: number): unknown {
  const kind = kindOf(value);
  if (kind === 'array') throw serialization(`Unrecognized collection type class ${NS}.AttributeValue`);
  if (kind !== 'object') throw serialization('Unexpected value type in payload');
  if (depth >= MAX_VALUE_DEPTH) throw validation(MESSAGES.nesting);
  return convertEntries(value as Record<string, unknown>, undefined, depth + 1, deserializeTypeMember);
}

/**
 * One member of an AttributeValue ("S", "M", ...): unknown tags and nulls are
 * dropped (`{"S": null}` is an empty value to DynamoDB too). A null set member
 * becomes undefined, for the value checks to refuse.
 */
function deserializeTypeMember(member: unknown, tag: string, _context: undefined, depth: number): unknown {
  const expected = Object.hasOwn(ATTRIBUTE_VALUE_MEMBERS, tag) ? ATTRIBUTE_VALUE_MEMBERS[tag] : undefined;
  if (expected === undefined || member === null || member === undefined) return undefined;
  switch (expected) {
    case 'string':
      return deserialize(member, STRING);
    case 'blob':
      return deserializeBlob(member);
    case 'boolean':
      return deserializeBoolean(member);
    case 'list':
      return deserialize(member, tag === 'L' ? VALUE_LIST : STRING_LIST, depth);
    case 'blobList':
      return deserialize(member, BLOB_LIST);
    case 'map':
      return deserialize(member, VALUE_MAP, depth);
  }
}

const STRING = str();
const STRING_LIST = list(STRING);
const BLOB_LIST = list(blob());
const VALUE_LIST = list(attributeValue());
const VALUE_MAP = attributeMap();

/** Every member of a shape that constrains values; a record, so a new constraint cannot be left out. */
type ConstraintName = Exclude<
  keyof StringShape | keyof NumberShape | keyof ListShape | keyof MapShape,
  'kind' | 'valueless' | 'member' | 'value' | 'valueType' | 'keepsNullValues'
>;
const CONSTRAINT_MEMBERS: Readonly<Record<ConstraintName, true>> = {
  required: true,
  enum: true,
  pattern: true,
  minLength: true,
  maxLength: true,
  min: true,
  max: true,
  keyMinLength: true,
  keyMaxLength: true,
  keyPattern: true,
  valueMinLength: true,
  valueMaxLength: true,
};
const CONSTRAINTS = Object.keys(CONSTRAINT_MEMBERS) as ConstraintName[];

const mayFailCache = new WeakMap<Shape, boolean>();

/**
 * Whether any value could fail `shape`'s constraints. Most members of an item
 * or a key cannot, and pass 2 then skips them without building their paths.
 */
function mayFail(shape: Shape): boolean {
  let answer = mayFailCache.get(shape);
  if (answer === undefined) {
    const own = CONSTRAINTS.some((name) => (shape as Partial<Record<ConstraintName, unknown>>)[name] !== undefined);
    answer =
      own ||
      // Any list may hold a null member.
      shape.kind === 'list' ||
      (shape.kind === 'map' && mayFail(shape.value)) ||
      (shape.kind === 'structure' && Object.values(shape.members).some(mayFail));
    mayFailCache.set(shape, answer);
  }
  return answer;
}

const compiledPatterns = new Map<string, RegExp>();

/** A pattern as a whole-string RegExp, compiled once: patterns are a fixed set declared by the shapes. */
function wholeMatch(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    compiled = new RegExp(`^(?:${pattern})$`);
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/** Pass 2: the Coral constraint messages for `value` (already deserialised). */
function constraintErrors(value: unknown, shape: Shape, path: MemberPath, errors: string[]): void {
  if (!mayFail(shape)) return;
  if (value === undefined) {
    if (shape.required) errors.push(`Value null at '${path.coral}' failed to satisfy constraint: Member must not be null`);
    return;
  }
  const fail = (constraint: string) =>
    errors.push(
      shape.valueless
        ? `Value at '${path.declared}' failed to satisfy constraint: ${constraint}`
        : `Value '${javaString(value, shape)}' at '${path.coral}' failed to satisfy constraint: ${constraint}`,
    );
  switch (shape.kind) {
    case 'string': {
      const text = value as string;
      if (shape.enum && !shape.enum.includes(text)) fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern !== undefined && text.length > 0 && !wholeMatch(shape.pattern).test(text)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      checkLength(text.length, shape, fail);
      break;
    }
    case 'integer':
    case 'long':
    case 'double': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      break;
    }
    case 'list': {
      const items = value as unknown[];
      checkLength(items.length, shape, fail);
      const memberMayFail = mayFail(shape.member);
      items.forEach((member, i) => {
        // A null member (kept by pass 1 as Jackson keeps it) is refused here. No
        // recording of DynamoDB's text was found: it answers BatchWriteItem's
        // [null] with a 400 (ScyllaDB's test_batch_write_item_invalid_payload,
        // run against DynamoDB), DynamoDB Local with a different text per
        // operation or a 500; this is Coral's own wording for a missing value.
        // (A null attribute value is kept as null by pass 1, for the value checks.)
        if (member === undefined) {
          errors.push(`Value null at '${child(path, `${i + 1}.member`).coral}' failed to satisfy constraint: Member must not be null`);
        } else if (memberMayFail) {
          constraintErrors(member, shape.member, child(path, `${i + 1}.member`), errors);
        }
      });
      break;
    }
    case 'map': {
      const members = value as Record<string, unknown>;
      const keys = Object.keys(members);
      checkLength(keys.length, shape, fail);
      checkMapKeysAndValues(keys, members, shape, fail);
      if (mayFail(shape.value)) {
        for (const key of keys) if (members[key] !== null) constraintErrors(members[key], shape.value, child(path, `${key}.member`), errors);
      }
      break;
    }
    case 'structure': {
      const input = value as Record<string, unknown>;
      for (const name in shape.members) {
        const member = shape.members[name]!;
        if (mayFail(member)) constraintErrors(input[name], member, child(path, lowerFirst(name), name), errors);
      }
      break;
    }
    case 'boolean':
    case 'blob':
    case 'attributeValue':
      break;
  }
}

function checkLength(
  length: number,
  shape: { readonly minLength?: number; readonly maxLength?: number },
  fail: (constraint: string) => void,
): void {
  if (shape.minLength !== undefined && length < shape.minLength) {
    fail(`Member must have length greater than or equal to ${shape.minLength}`);
  }
  if (shape.maxLength !== undefined && length > shape.maxLength) {
    fail(`Member must have length less than or equal to ${shape.maxLength}`);
  }
}

function checkMapKeysAndValues(
  keys: readonly string[],
  members: Readonly<Record<string, unknown>>,
  shape: MapShape,
  fail: (constraint: string) => void,
): void {
  if (shape.keyMinLength !== undefined || shape.keyMaxLength !== undefined || shape.keyPattern !== undefined) {
    const pattern = shape.keyPattern === undefined ? undefined : wholeMatch(shape.keyPattern);
    const bad = keys.some(
      (key) =>
        (shape.keyMinLength !== undefined && key.length < shape.keyMinLength) ||
        (shape.keyMaxLength !== undefined && key.length > shape.keyMaxLength) ||
        (pattern !== undefined && key.length > 0 && !pattern.test(key)),
    );
    if (bad) {
      const phrases = lengthPhrases(shape.keyMaxLength, shape.keyMinLength);
      if (shape.keyPattern !== undefined) phrases.push(`Member must satisfy regular expression pattern: ${shape.keyPattern}`);
      fail(`Map keys must satisfy constraint: [${phrases.join(', ')}]`);
    }
  }
  if (shape.valueMinLength !== undefined || shape.valueMaxLength !== undefined) {
    const bad = keys.some((key) => {
      const length = collectionLength(members[key]);
      return (
        (shape.valueMinLength !== undefined && length < shape.valueMinLength) ||
        (shape.valueMaxLength !== undefined && length > shape.valueMaxLength)
      );
    });
    if (bad) fail(`Map value must satisfy constraint: [${lengthPhrases(shape.valueMaxLength, shape.valueMinLength).join(', ')}]`);
  }
}

function lengthPhrases(max: number | undefined, min: number | undefined): string[] {
  const phrases: string[] = [];
  if (max !== undefined) phrases.push(`Member must have length less than or equal to ${max}`);
  if (min !== undefined) phrases.push(`Member must have length greater than or equal to ${min}`);
  return phrases;
}

function collectionLength(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Renders a value as Java's toString would inside Coral's messages: lists as
 * `[a, b]`, maps as `{k=v}`, structures as `Name(member=value, ...)`.
 */
export function javaString(value: unknown, shape?: Shape): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) {
    const member = shape?.kind === 'list' ? shape.member : undefined;
    return `[${value.map((v) => javaString(v, member)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (shape?.kind === 'structure') {
      const members = entries.map(([k, v]) => `${lowerFirst(k)}=${javaString(v, shape.members[k])}`);
      return `${shape.name}(${members.join(', ')})`;
    }
    if (shape?.kind === 'attributeValue') {
      return `AttributeValue(${entries.map(([k, v]) => `${k}=${javaString(v)}`).join(', ')})`;
    }
    const member = shape?.kind === 'map' ? shape.value : undefined;
    return `{${entries.map(([k, v]) => `${k}=${javaString(v, member)}`).join(', ')}}`;
  }
  return String(value);
}

/**
 * Runs both passes over a request body: the typed request, or the error
 * DynamoDB would answer with.
 */
export function checkShape<T>(body: unknown, shape: StructureShape): T {
  const request = deserialize(body, shape) as Record<string, unknown>;
  const errors: string[] = [];
  for (const name in shape.members) {
    constraintErrors(request[name], shape.members[name]!, { coral: lowerFirst(name), declared: name }, errors);
  }
  if (errors.length > 0) {
    // DynamoDB lists the first ten and counts only those: 27 violations read
    // "10 validation errors detected: ..." (dynalite's test/createTable.js,
    // recorded against DynamoDB: nine empty LocalSecondaryIndexes).
    const shown = errors.slice(0, MAX_LISTED_ERRORS);
    throw validation(`${shown.length} validation error${shown.length > 1 ? 's' : ''} detected: ${shown.join('; ')}`);
  }
  return request as T;
}
