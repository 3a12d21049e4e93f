/**
 * Turns untrusted request JSON into validated, normalised AttributeValues,
 * failing with DynamoDB's own errors.
 *
 * DynamoDB checks in two stages and so does this module:
 *  1. deserialisation: each member must have the JSON type its shape demands,
 *     else a SerializationException with the Java deserialiser's wording;
 *  2. validation: no null values, exactly one type member, non-empty sets
 *     without duplicates or null members, valid numbers, NULL true, nesting
 *     depth — ValidationExceptions.
 * `shapeAttributeValue` exposes stage 1 alone so a request layer can
 * deserialise a whole request before validating any of it, as DynamoDB does.
 *
 * Normalisation: numbers become canonical text (also inside NS, L and M) and
 * set members are sorted — strings by UTF-8 bytes, numbers numerically,
 * binaries by unsigned bytes — so equal sets are stored and returned
 * identically. DynamoDB returns set members in no documented order.
 */
import type { AttributeValue, Item } from './attribute-value.js';
import { DynamoError, validation } from '../protocol/errors.js';
import { canonicalNumber, compareNumbers, NUMBER_EMPTY } from './numbers.js';
import { compareBase64, compareUtf8 } from './key-codec.js';
import { setOwn } from './own-property.js';

const INVALID = 'One or more parameter values were invalid: ';

export const MESSAGES = {
  empty: 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
  multiple:
    'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
  nullNotTrue: `${INVALID}Null attribute value types must have the value of true`,
  emptySS: `${INVALID}An string set  may not be empty`,
  emptyNS: `${INVALID}An number set  may not be empty`,
  emptyBS: `${INVALID}Binary sets should not be empty`,
  duplicateNS: 'Input collection contains duplicates',
  nesting:
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
  // A JSON null where an attribute value belongs: recorded against DynamoDB for
  // a list member (aws/aws-sdk-java#2103); DynamoDB Local 3.3.1 adds ": x is
  // null" when the null is named (an item's, a key's or a map's member).
  nullValue: 'The supplied Item contains a null AttributeValue',
  // DynamoDB Local 3.3.1.
  nullInSS: `${INVALID}An string set may not have a null string as a member`,
} as const;

function nullValue(name: string | undefined): string {
  return name === undefined ? MESSAGES.nullValue : `${MESSAGES.nullValue}: ${name} is null`;
}

/** Containers may sit at levels 1..31, so values reach at most level 32. */
export const MAX_NESTING_LEVEL = 32;

/**
 * Attribute names hold 1 to 65535 UTF-8 bytes, at every level of an item and
 * wherever a request names an attribute. The empty-name message is DynamoDB
 * Local 3.3.1's and Alternator's (tested against DynamoDB); the too-large one
 * was measured against DynamoDB by ExtendDB (issue 365, 2026).
 */
export const MAX_ATTRIBUTE_NAME_BYTES = 65535;

export function attributeNameProblem(name: string): string | undefined {
  if (name === '') return 'Empty attribute name';
  // A UTF-16 unit takes at most 3 UTF-8 bytes, so short names need no counting.
  if (name.length * 3 > MAX_ATTRIBUTE_NAME_BYTES && Buffer.byteLength(name, 'utf8') > MAX_ATTRIBUTE_NAME_BYTES) {
    return `Attribute name is too large, must be less than ${MAX_ATTRIBUTE_NAME_BYTES + 1} bytes`;
  }
  return undefined;
}

export function checkAttributeName(name: string): void {
  const problem = attributeNameProblem(name);
  if (problem !== undefined) throw validation(problem);
}

/** Rewrites a validation message for its context, e.g. to name the `:value`. */
export type MessageContext = (inner: string) => string;

// ---------------------------------------------------------------- stage 1

type Shaped = Record<string, unknown>;

function serialization(message: string): DynamoError {
  return new DynamoError('SerializationException', message);
}

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

const STRUCTURE_NOT_EXPECTED = 'Start of structure or map found where not expected';
const ATTRIBUTE_VALUE_CLASS = 'com.amazonaws.dynamodb.v20120810.AttributeValue';

function numberToken(value: number): string {
  return Number.isInteger(value) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE';
}

function shapeString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'boolean') throw serialization(`${raw ? 'TRUE' : 'FALSE'}_VALUE cannot be converted to String`);
  if (typeof raw === 'number') throw serialization(`${numberToken(raw)} cannot be converted to String`);
  if (Array.isArray(raw)) throw serialization('Unrecognized collection type class java.lang.String');
  throw serialization(STRUCTURE_NOT_EXPECTED);
}

// The deserialiser accepts a few spellings of booleans inside strings.
const TRUE_WORDS = new Set(['TRUE', '1', 'YES']);
const FALSE_WORDS = new Set(['FALSE', '0', 'NO']);

function shapeBoolean(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') throw serialization(`${numberToken(raw)} cannot be converted to Boolean`);
  if (typeof raw === 'string') {
    const word = raw.toUpperCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw serialization('Unexpected token received from parser');
  }
  if (Array.isArray(raw)) throw serialization('Unrecognized collection type class java.lang.Boolean');
  throw serialization(STRUCTURE_NOT_EXPECTED);
}

function shapeBinary(raw: unknown): string {
  if (typeof raw === 'boolean' || typeof raw === 'number') {
    throw serialization('only base-64-encoded strings are convertible to bytes');
  }
  if (Array.isArray(raw)) throw serialization('Unrecognized collection type class java.nio.ByteBuffer');
  if (typeof raw !== 'string') throw serialization(STRUCTURE_NOT_EXPECTED);
  if (raw.length % 4 !== 0) {
    throw serialization(`Base64 encoded length is expected a multiple of 4 bytes but found: ${raw.length}`);
  }
  // Node's decoder skips bad characters silently; a lossless round trip
  // proves the text is canonical base64. ("dectected" is DynamoDB's spelling.)
  if (Buffer.from(raw, 'base64').toString('base64') !== raw) {
    throw serialization('Invalid last non-pad Base64 character dectected');
  }
  return raw;
}

function shapeList<T>(raw: unknown, member: (element: unknown) => T): T[] {
  if (Array.isArray(raw)) return raw.map(member);
  if (isObject(raw)) throw serialization(STRUCTURE_NOT_EXPECTED);
  throw serialization('Unexpected field type');
}

function shapeMap(raw: unknown): Record<string, Shaped | null> {
  if (Array.isArray(raw)) {
    throw serialization(`Unrecognized collection type java.util.Map<java.lang.String, ${ATTRIBUTE_VALUE_CLASS}>`);
  }
  if (!isObject(raw)) throw serialization('Unexpected field type');
  const out: Record<string, Shaped | null> = {};
  for (const name of Object.keys(raw)) setOwn(out, name, shapeNullable(raw[name]));
  return out;
}

function shapeNullable(raw: unknown): Shaped | null {
  return raw === null || raw === undefined ? null : shapeAttributeValue(raw);
}

/** A set member: a null one becomes undefined, which the set checks look for after sorting. */
function setMember(shape: (raw: unknown) => string): (raw: unknown) => string | undefined {
  return (raw) => (raw === null || raw === undefined ? undefined : shape(raw));
}
const SET_STRING = setMember(shapeString);
const SET_BINARY = setMember(shapeBinary);

const MEMBER_SHAPERS: Record<string, (raw: unknown) => unknown> = {
  S: shapeString,
  N: shapeString,
  B: shapeBinary,
  BOOL: shapeBoolean,
  NULL: shapeBoolean,
  SS: (raw) => shapeList(raw, SET_STRING),
  NS: (raw) => shapeList(raw, SET_STRING),
  BS: (raw) => shapeList(raw, SET_BINARY),
  L: (raw) => shapeList(raw, shapeNullable),
  M: shapeMap,
};

/**
 * Stage 1: checks JSON types member by member (SerializationException) and
 * returns the value's known members, null members and unknown names dropped,
 * as DynamoDB's deserialiser does.
 */
export function shapeAttributeValue(raw: unknown): Shaped {
  if (Array.isArray(raw)) throw serialization(`Unrecognized collection type class ${ATTRIBUTE_VALUE_CLASS}`);
  if (!isObject(raw)) throw serialization('Unexpected value type in payload');
  const shaped: Shaped = {};
  for (const tag of Object.keys(raw)) {
    const member = raw[tag];
    if (Object.hasOwn(MEMBER_SHAPERS, tag) && member !== null && member !== undefined) {
      shaped[tag] = MEMBER_SHAPERS[tag]!(member);
    }
  }
  return shaped;
}

// ---------------------------------------------------------------- stage 2

/**
 * A set's members sorted, refused if two are equal, then if one is null (a
 * null member is undefined here): DynamoDB Local 3.3.1 reports `["a", "a",
 * null]` and `[null, null]` as duplicates, `["a", null]` as holding a null.
 */
function sortedUnique(
  members: readonly (string | undefined)[],
  compare: (a: string, b: string) => number,
  duplicateMessage: () => string,
  nullMemberMessage: string,
): string[] {
  // sort() puts undefined members last without comparing them.
  const sorted = [...members].sort(compare as (a: string | undefined, b: string | undefined) => number);
  let end = sorted.length;
  while (end > 0 && sorted[end - 1] === undefined) end--;
  for (let i = 1; i < end; i++) {
    if (compare(sorted[i - 1]!, sorted[i]!) === 0) throw validation(duplicateMessage());
  }
  if (end < sorted.length - 1) throw validation(duplicateMessage());
  if (end < sorted.length) throw validation(nullMemberMessage);
  return sorted as string[];
}

/** Members as Java renders a list of them, a null one as "null". */
function listText(members: readonly (string | undefined)[]): string {
  return `[${members.map((member) => member ?? 'null').join(', ')}]`;
}

/** A number set member: a null one cannot be read as a number, and has no text to quote. */
function setNumber(member: string | undefined): string {
  if (member === undefined) throw validation(NUMBER_EMPTY);
  return canonicalNumber(member);
}

function checkShaped(value: Shaped | null, level: number, name?: string): AttributeValue {
  if (value === null) throw validation(nullValue(name));
  const tags = Object.keys(value);
  if (tags.length === 0) throw validation(MESSAGES.empty);
  // DynamoDB validates every member present before it complains that there
  // are several, so e.g. {S, N: "x"} reports the bad number.
  let result: AttributeValue | undefined;
  for (const tag of tags) result = checkMember(tag, value[tag], level);
  if (tags.length > 1 || result === undefined) throw validation(MESSAGES.multiple);
  return result;
}

function checkMember(tag: string, payload: unknown, level: number): AttributeValue {
  switch (tag) {
    case 'S':
      return { S: payload as string };
    case 'B':
      return { B: payload as string };
    case 'BOOL':
      return { BOOL: payload as boolean };
    case 'N':
      return { N: canonicalNumber(payload as string) };
    case 'NULL':
      if (payload !== true) throw validation(MESSAGES.nullNotTrue);
      return { NULL: true };
    case 'SS': {
      const members = payload as (string | undefined)[];
      if (members.length === 0) throw validation(MESSAGES.emptySS);
      return {
        SS: sortedUnique(members, compareUtf8, () => `${INVALID}Input collection ${listText(members)} contains duplicates.`, MESSAGES.nullInSS),
      };
    }
    case 'NS': {
      const members = payload as (string | undefined)[];
      if (members.length === 0) throw validation(MESSAGES.emptyNS);
      // Every member is read as a number first, so a null one is refused as
      // an unreadable number before duplicates are looked for. (DynamoDB Local
      // 3.3.1 answers "A value provided cannot be converted into a number",
      // its text for every unreadable number, where DynamoDB says "The
      // parameter cannot be converted to a numeric value".)
      return { NS: sortedUnique(members.map(setNumber), compareNumbers, () => MESSAGES.duplicateNS, NUMBER_EMPTY) };
    }
    case 'BS': {
      const members = payload as (string | undefined)[];
      if (members.length === 0) throw validation(MESSAGES.emptyBS);
      return {
        BS: sortedUnique(
          members,
          compareBase64,
          () => `${INVALID}Input collection ${listText(members)}of type BS contains duplicates.`,
          // Our choice: DynamoDB Local 3.3.1 fails with a 500 here and no
          // recording of DynamoDB was found; this is its text for a null value.
          MESSAGES.nullValue,
        ),
      };
    }
    case 'L': {
      if (level >= MAX_NESTING_LEVEL) throw validation(MESSAGES.nesting);
      return { L: (payload as (Shaped | null)[]).map((element) => checkShaped(element, level + 1)) };
    }
    default: {
      if (level >= MAX_NESTING_LEVEL) throw validation(MESSAGES.nesting);
      const entries = payload as Record<string, Shaped | null>;
      const out: Record<string, AttributeValue> = {};
      for (const name of Object.keys(entries)) {
        checkAttributeName(name);
        setOwn(out, name, checkShaped(entries[name] ?? null, level + 1, name));
      }
      return { M: out };
    }
  }
}

function inContext<T>(context: MessageContext | undefined, run: () => T): T {
  if (!context) return run();
  try {
    return run();
  } catch (err) {
    if (err instanceof DynamoError && err.type === 'ValidationException') throw validation(context(err.message));
    throw err;
  }
}

/**
 * Validates one attribute value at the top level of an item (or an
 * ExpressionAttributeValues entry). `context` rewrites validation messages,
 * e.g. `(m) => \`ExpressionAttributeValues contains invalid value: ${m} for key :v\``;
 * serialisation errors are never rewritten, as in DynamoDB.
 */
export function validateAttributeValue(raw: unknown, context?: MessageContext): AttributeValue {
  const shaped = shapeNullable(raw);
  return inContext(context, () => checkShaped(shaped, 1));
}

/** Validates a map of attribute values such as PutItem's `Item` or a `Key`. */
export function validateItem(raw: unknown, context?: MessageContext): Item {
  const shaped = shapeMap(raw);
  return inContext(context, () => {
    const item: Item = {};
    for (const name of Object.keys(shaped)) {
      checkAttributeName(name);
      setOwn(item, name, checkShaped(shaped[name] ?? null, 1, name));
    }
    return item;
  });
}

/**
 * Validates a request's `Key` member before it is matched to the schema: its
 * values in request order, then its names (DynamoDB Local 3.3.1 reports a bad
 * value before an empty name that precedes it, unlike in an Item).
 */
export function validateKey(raw: unknown): Item {
  const shaped = shapeMap(raw);
  const key: Item = {};
  for (const name of Object.keys(shaped)) setOwn(key, name, checkShaped(shaped[name] ?? null, 1, name));
  for (const name of Object.keys(key)) checkAttributeName(name);
  return key;
}
