/**
 * Seeded generators of request bodies that are almost right: shaped after an
 * operation's declared request shape, with wrong JSON kinds, nulls (also
 * nested inside lists and maps), extreme numbers, odd keys and broken
 * attribute values mixed in. The text is written by hand so it can hold what
 * JSON.stringify cannot (1e400, 40-digit integers, -0).
 */
import { attributeMap as attributeMapShape, type Shape } from '../../src/protocol/shape.js';

export type Random = () => number;

/** What one body is generated with: its random source, the names it may use, and how often a value goes wrong. */
interface Context {
  readonly random: Random;
  readonly vocabulary: Vocabulary;
  /** The chance that a value is null or of any kind instead of the declared one. */
  readonly mischief: number;
  /** The chance that an attribute value, or an item's member, is or holds a null (in an otherwise clean body too). */
  readonly nulls: number;
}

/** Names and texts a request may refer to, so bodies reach past "table not found". */
export interface Vocabulary {
  readonly tables: readonly string[];
  readonly attributes: readonly string[];
  readonly indexes: readonly string[];
  readonly arns: readonly string[];
}

const pick = <T>(random: Random, choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!;
const chance = (random: Random, p: number) => random() < p;

const ODD_KEYS = ['', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'S', 'M', 'L', '#a', ':v', 'a.b', '\u0000', 'é', '🔑', 'x'.repeat(300)];
const NUMBER_TEXTS = ['0', '-0', '1', '-1', '1.5', '1e308', '-1e308', '1e400', '-1e400', '1e-400', '9007199254740993', '123456789012345678901234567890123456789', '2147483648', '-2147483649', '0.000001'];
const STRING_TEXTS = ['', 'a', 'NaN', 'null', 'true', '1', '-1e999', ' ', '\u0000', 'é', '🔑', 'x'.repeat(70_000), '"', '\\', '{}', '[]'];
const NUMERIC_STRINGS = ['1', '-0', '1.50', '1E+2', '1e126', '1e-131', '1'.repeat(39), 'abc', '', ' 1', '0x10', 'Infinity', 'NaN', '.5', '5.'];
const BINARY_STRINGS = ['', 'AA==', 'YWJj', 'a', '====', 'AAAA'.repeat(10), '*'];
const EXPRESSIONS = [
  'pk = :v',
  '#n = :v',
  'attribute_exists(pk)',
  'attribute_not_exists(#n) AND size(a) > :v',
  'begins_with(sk, :v)',
  'pk = :v AND sk BETWEEN :v AND :w',
  'SET a = :v, #n = list_append(a, :v)',
  'REMOVE a, b[1]',
  'ADD c :v DELETE d :w',
  'a, b.c, d[0]',
  '(((',
  '',
  `${'('.repeat(2000)}a = :v${')'.repeat(2000)}`,
  `${'NOT '.repeat(1000)}a = :v`,
  ':v',
  'a = = b',
  'SET a = a + :v + :v',
  'contains(a, :v) OR NOT b IN (:v, :w)',
];
const STATEMENTS = [
  'SELECT * FROM "T"',
  'INSERT INTO "T" VALUE {\'pk\': ?}',
  'UPDATE "T" SET a = 1 WHERE pk = ?',
  'DELETE FROM "T" WHERE pk = \'a\'',
  'SELECT',
  '?',
  '',
  `INSERT INTO "T" VALUE {'pk': 'a', 'd': ${'['.repeat(3000)}${']'.repeat(3000)}}`,
  `SELECT * FROM "T" WHERE ${'('.repeat(3500)}pk = 'a'${')'.repeat(3500)}`,
  `SELECT * FROM "T" WHERE ${'NOT '.repeat(1800)}pk = 'a'`,
];

function jsonString(text: string): string {
  return JSON.stringify(text);
}

/** Any JSON value at all. */
export function junk(random: Random, depth = 0): string {
  const roll = random();
  if (depth > 3 || roll < 0.2) return pick(random, ['null', 'true', 'false', ...NUMBER_TEXTS]);
  if (roll < 0.45) return jsonString(pick(random, STRING_TEXTS));
  if (roll < 0.7) return `[${repeat(random, 3, () => junk(random, depth + 1)).join(',')}]`;
  return `{${repeat(random, 3, () => `${jsonString(pick(random, ODD_KEYS))}:${junk(random, depth + 1)}`).join(',')}}`;
}

function repeat(random: Random, max: number, make: () => string): string[] {
  const count = Math.floor(random() * (max + 1));
  return Array.from({ length: count }, make);
}

/** A list's members, now and then with a null among them. */
function members(random: Random, make: () => string): string {
  const items = repeat(random, 3, make);
  if (chance(random, 0.15)) items.splice(Math.floor(random() * (items.length + 1)), 0, 'null');
  return `[${items.join(',')}]`;
}

const GOOD_VALUES = ['{"S":"a"}', '{"S":"b"}', '{"N":"1"}', '{"N":"2.5"}', '{"B":"YWJj"}', '{"BOOL":true}', '{"NULL":true}', '{"SS":["a","b"]}', '{"NS":["1","2"]}', '{"L":[{"S":"a"}]}', '{"M":{"b":{"N":"1"}}}'];

/** Values well formed but for a null inside. */
const NULL_HOLDING_VALUES = ['{"L":[null]}', '{"L":[{"S":"a"},{"M":{"b":null}}]}', '{"M":{"a":null}}', '{"SS":["a",null]}', '{"NS":[null,"1"]}', '{"BS":[null]}'];

/** An attribute value: a well-formed one, unless mischief or a null strikes. */
function attributeValue(random: Random, depth: number, mischief: number, nulls = 0): string {
  if (chance(random, nulls)) return pick(random, NULL_HOLDING_VALUES);
  return chance(random, mischief * 2) ? wildValue(random, depth) : pick(random, GOOD_VALUES);
}

/** A value nested far past DynamoDB's 32 levels, as maps or lists. */
function deepValue(random: Random): string {
  const levels = pick(random, [33, 100, 300, 5000, 50_000]);
  return chance(random, 0.5) ? `${'{"M":{"a":'.repeat(levels)}{"S":"x"}${'}}'.repeat(levels)}` : `${'{"L":['.repeat(levels)}{"N":"1"}${']}'.repeat(levels)}`;
}

/** An attribute value, well formed or (often) not. */
function wildValue(random: Random, depth: number): string {
  const roll = random();
  if (roll < 0.02) return deepValue(random);
  if (roll < 0.1) return junk(random, depth + 2);
  if (roll < 0.25) return `{"S":${chance(random, 0.8) ? jsonString(pick(random, STRING_TEXTS)) : junk(random, 3)}}`;
  if (roll < 0.4) return `{"N":${chance(random, 0.8) ? jsonString(pick(random, NUMERIC_STRINGS)) : pick(random, NUMBER_TEXTS)}}`;
  if (roll < 0.48) return `{"B":${jsonString(pick(random, BINARY_STRINGS))}}`;
  if (roll < 0.53) return `{"BOOL":${pick(random, ['true', 'false', '"yes"', '1', 'null'])}}`;
  if (roll < 0.58) return `{"NULL":${pick(random, ['true', 'false', '"x"', 'null'])}}`;
  if (roll < 0.64) return `{"SS":${members(random, () => jsonString(pick(random, STRING_TEXTS)))}}`;
  if (roll < 0.7) return `{"NS":${members(random, () => jsonString(pick(random, NUMERIC_STRINGS)))}}`;
  if (roll < 0.74) return `{"BS":${members(random, () => jsonString(pick(random, BINARY_STRINGS)))}}`;
  if (depth < 3 && roll < 0.82) return `{"L":${members(random, () => wildValue(random, depth + 1))}}`;
  if (depth < 3 && roll < 0.9) return `{"M":${attributeMap(random, depth + 1, [], 0.5)}}`;
  if (roll < 0.95) return '{"S":"a","N":"1"}';
  return '{}';
}

function attributeMap(random: Random, depth: number, names: readonly string[], mischief: number, nulls = 0): string {
  const entries = repeat(random, 3, () => {
    const key = names.length > 0 && !chance(random, mischief * 2) ? pick(random, names) : pick(random, ODD_KEYS);
    return `${jsonString(key)}:${chance(random, mischief / 2 + nulls) ? 'null' : attributeValue(random, depth, mischief, nulls)}`;
  });
  return `{${entries.join(',')}}`;
}

function stringFor(random: Random, name: string, shape: Extract<Shape, { kind: 'string' }>, vocabulary: Vocabulary): string {
  if (shape.enum && chance(random, 0.85)) return jsonString(pick(random, shape.enum));
  if (/TableName$|^TableName$/.test(name) && chance(random, 0.8)) return jsonString(pick(random, vocabulary.tables));
  if (/IndexName$/.test(name) && chance(random, 0.7)) return jsonString(pick(random, vocabulary.indexes));
  if (/Arn$/.test(name) && chance(random, 0.8)) return jsonString(pick(random, vocabulary.arns));
  if (/Expression$/.test(name) && chance(random, 0.8)) return jsonString(pick(random, EXPRESSIONS));
  if (name === 'Statement' && chance(random, 0.8)) return jsonString(pick(random, STATEMENTS).replace('T', pick(random, vocabulary.tables)));
  if (/AttributeName$|Attributes$|^member$/.test(name) && chance(random, 0.6)) return jsonString(pick(random, vocabulary.attributes));
  return jsonString(pick(random, STRING_TEXTS));
}

/**
 * A value for `shape`: most of the time of the declared kind (with the same
 * mischief one level down), sometimes null or anything at all.
 */
function shaped(context: Context, shape: Shape, name: string, depth = 0): string {
  const { random, vocabulary } = context;
  if (chance(random, context.mischief / 2)) return 'null';
  if (chance(random, context.mischief / 2)) return junk(random, depth);
  switch (shape.kind) {
    case 'string':
      return stringFor(random, name, shape, vocabulary);
    case 'integer':
    case 'long':
    case 'double':
      return chance(random, 0.6) ? String(Math.floor(random() * 200) - 50) : pick(random, NUMBER_TEXTS);
    case 'boolean':
      return pick(random, ['true', 'false', '"true"', '"no"', '0']);
    case 'blob':
      return jsonString(pick(random, BINARY_STRINGS));
    case 'attributeValue':
      return attributeValue(random, depth, context.mischief, context.nulls);
    case 'list':
      return members(random, () => shaped(context, shape.member, name, depth + 1));
    case 'map': {
      const value = shape.value;
      if (value.kind === 'attributeValue') {
        return attributeMap(random, depth, name === 'ExpressionAttributeValues' ? [':v', ':w'] : vocabulary.attributes, context.mischief, context.nulls);
      }
      const names = name === 'ExpressionAttributeNames';
      const keys = names ? ['#n', '#a', 'n'] : name === 'RequestItems' ? vocabulary.tables : ODD_KEYS;
      const valueName = names ? 'AttributeName' : name;
      const entries = repeat(random, 2, () => `${jsonString(chance(random, 0.8) ? pick(random, keys) : pick(random, ODD_KEYS))}:${shaped(context, value, valueName, depth + 1)}`);
      return `{${entries.join(',')}}`;
    }
    case 'structure': {
      const entries: string[] = [];
      for (const [member, memberShape] of Object.entries(shape.members)) {
        if (chance(random, memberShape.required ? 0.9 : 0.5)) entries.push(`${jsonString(member)}:${shaped(context, memberShape, member, depth + 1)}`);
      }
      if (chance(random, context.mischief)) entries.push(`${jsonString(pick(random, ODD_KEYS))}:${junk(random, depth + 1)}`);
      return `{${entries.join(',')}}`;
    }
  }
}

/**
 * Whether a parsed request body holds a null where DynamoDB reads an attribute
 * value: an item's or a map's member, a list or set member, an element of a
 * list of values or keys. (A null structure member is an absent one.)
 */
export function holdsNullValue(body: unknown, shape: Shape): boolean {
  if (body === null || typeof body !== 'object') return false;
  const members = body as Record<string, unknown>;
  switch (shape.kind) {
    case 'attributeValue':
      return (
        !Array.isArray(body) &&
        (['SS', 'NS', 'BS', 'L'].some((tag) => {
          const list = members[tag];
          return Array.isArray(list) && list.some((member) => member === null || (tag === 'L' && holdsNullValue(member, shape)));
        }) ||
          holdsNullValue(members.M, ATTRIBUTE_MAP))
      );
    case 'list':
      return Array.isArray(body) && body.some((member) => (member === null && holdsValues(shape.member)) || holdsNullValue(member, shape.member));
    case 'map':
      return !Array.isArray(body) && Object.values(members).some((member) => (member === null && shape.value.kind === 'attributeValue') || holdsNullValue(member, shape.value));
    case 'structure':
      return !Array.isArray(body) && Object.entries(shape.members).some(([name, member]) => holdsNullValue(members[name], member));
    default:
      return false;
  }
}

const ATTRIBUTE_MAP = attributeMapShape();

/** Whether `shape` is an attribute value or a map of them (an item, a key). */
function holdsValues(shape: Shape): boolean {
  return shape.kind === 'attributeValue' || (shape.kind === 'map' && shape.value.kind === 'attributeValue');
}

/**
 * A whole request body for an operation of `shape`: mostly shaped, with more
 * or less mischief (a nearly clean body reaches the operation's own checks),
 * now and then not an object, or not JSON.
 */
export function malformedBody(random: Random, shape: Shape, vocabulary: Vocabulary): string {
  const roll = random();
  if (roll < 0.03) return pick(random, ['', '{', '{"a":}', 'nul', '[', '{"a":1}}', '\u0000']);
  if (roll < 0.08) return junk(random);
  return shaped({ random, vocabulary, mischief: pick(random, [0, 0.02, 0.05, 0.15, 0.3]), nulls: pick(random, [0, 0, 0.1]) }, shape, '');
}
