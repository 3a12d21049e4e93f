/**
 * fast-check arbitraries of DynamoDB attribute values: all ten types, nested
 * lists and maps, sets, numbers at the edges of DynamoDB's range and
 * precision written every way Java's BigDecimal reads them, binaries, and
 * strings from every part of Unicode. Each valid value comes with the value
 * DynamoDB answers for it (numbers canonical), worked out here independently
 * of the server's code, so round trips can be checked against it.
 */
import fc from 'fast-check';

export type Value =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: Value[] }
  | { M: Record<string, Value> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type Item = Record<string, Value>;

/** A value as sent, and as DynamoDB answers it. */
export interface Generated<T = Value> {
  readonly sent: T;
  readonly stored: T;
}

// ---------------------------------------------------------------- numbers

/** A number as a sign, significant digits (no leading or trailing zero) and the exponent of the first digit. */
export interface Decimal {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

/** The model's reading of number text (DynamoDB's syntax is Java BigDecimal's). */
export function readDecimal(text: string): Decimal {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] ?? '') + (match[3] ?? '') === '') throw new Error(`not a number: ${text}`);
  const all = (match[2] ?? '') + (match[3] ?? '');
  const first = all.search(/[1-9]/);
  if (first < 0) return { negative: false, digits: '', exponent: 0 };
  const digits = all.slice(first).replace(/0+$/, '');
  return { negative: match[1] === '-', digits, exponent: Number(match[4] ?? '0') + (match[2] ?? '').length - first - 1 };
}

/** The plain decimal text DynamoDB answers. */
export function plain({ negative, digits, exponent }: Decimal): string {
  if (digits === '') return '0';
  const sign = negative ? '-' : '';
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (exponent + 1 >= digits.length) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

export function canonicalNumber(text: string): string {
  return plain(readDecimal(text));
}

/** Exact order of two numbers. */
export function compareDecimals(a: string, b: string): number {
  const x = readDecimal(a);
  const y = readDecimal(b);
  const sign = (d: Decimal) => (d.digits === '' ? 0 : d.negative ? -1 : 1);
  if (sign(x) !== sign(y)) return sign(x) - sign(y);
  if (sign(x) === 0) return 0;
  const magnitude = x.exponent !== y.exponent ? x.exponent - y.exponent : x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0;
  return sign(x) * magnitude;
}

const DIGIT = fc.constantFrom(...'0123456789');

/** Significant digits: 1 to 38 of them, first and last not zero; often all 38, often few. */
const significand = fc
  .tuple(fc.constantFrom(...'123456789'), fc.oneof(fc.string({ unit: DIGIT, maxLength: 4 }), fc.string({ unit: DIGIT, minLength: 30, maxLength: 36 }), fc.constant('9'.repeat(36))), fc.constantFrom(...'123456789'))
  .map(([first, middle, last]) => (middle.length === 0 && first === last ? first : `${first}${middle}${last}`));

/** An exponent of the first digit, within 1E-130 .. 9.99…E+125, often at an edge. */
const exponent = fc.oneof(fc.integer({ min: -6, max: 12 }), fc.integer({ min: -130, max: 125 }), fc.constantFrom(-130, -129, 124, 125));

/** The ways one number can be written. */
function spellings(d: Decimal): fc.Arbitrary<string> {
  const sign = d.negative ? '-' : '';
  const mantissa = `${d.digits[0]}${d.digits.length > 1 ? `.${d.digits.slice(1)}` : ''}`;
  return fc.oneof(
    fc.constant(plain(d)),
    fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+')).map(([e, plus]) => `${sign}${mantissa}${e}${d.exponent >= 0 ? plus : ''}${d.exponent}`),
    fc.constant(`${sign}${d.digits}E${d.exponent - d.digits.length + 1}`),
    fc.tuple(fc.nat(3), fc.nat(3)).map(([lead, trail]) => {
      const text = plain(d).replace(/^-/, '');
      return `${sign}${'0'.repeat(lead)}${text}${trail > 0 ? (text.includes('.') ? '0'.repeat(trail) : `.${'0'.repeat(trail)}`) : ''}`;
    }),
  );
}

const ZEROS = ['0', '-0', '0.0', '000', '0e0', '0E+200', '0.000e-300', '.0', '0.'];

export const numberValue: fc.Arbitrary<Generated<{ N: string }>> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...ZEROS).map((text) => ({ sent: { N: text }, stored: { N: '0' } })) },
  {
    weight: 8,
    arbitrary: fc
      .record({ negative: fc.boolean(), digits: significand, exponent })
      .chain((d) => spellings(d).map((text) => ({ sent: { N: text }, stored: { N: plain(d) } }))),
  },
  { weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => ({ sent: { N: String(n) }, stored: { N: String(n) } })) },
);

// ---------------------------------------------------------------- strings and binaries

const EDGE_TEXTS = ['a', 'A', 'é', 'e\u0301', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\ufffd', '\ufeff', '\u{10000}', '\u{10ffff}', '😀', '👩‍👩‍👧', '\u200b', '\u202e', 'ß', 'İ', '\r\n', '"', '\\', '\'', ' ', '\t', '#a', ':v', 'a.b', 'a[0]', '<<', 'SELECT', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** A string of any Unicode (no lone surrogates: those are another test's subject), possibly empty. */
export const unicodeText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary-ascii', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...EDGE_TEXTS), maxLength: 4 }),
  fc.constantFrom(...EDGE_TEXTS),
);

export const nonEmptyText = unicodeText.filter((text) => text.length > 0);

export const bytes: fc.Arbitrary<Uint8Array> = fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.constantFrom(new Uint8Array([0]), new Uint8Array([255]), new Uint8Array([0, 0]), new Uint8Array([255, 0])));

export const base64 = (data: Uint8Array): string => Buffer.from(data).toString('base64');

// ---------------------------------------------------------------- values

const same = <T>(value: T): Generated<T> => ({ sent: value, stored: value });

/** Non-empty sets without duplicates (numbers compared as numbers, binaries as bytes). */
const stringSet = fc.uniqueArray(nonEmptyText, { minLength: 1, maxLength: 5 }).map((SS) => ({ sent: { SS }, stored: { SS: [...SS] } }));
const numberSet = fc.uniqueArray(numberValue, { minLength: 1, maxLength: 5, selector: (n) => n.stored.N }).map((members) => ({
  sent: { NS: members.map((n) => n.sent.N) },
  stored: { NS: members.map((n) => n.stored.N) },
}));
const binarySet = fc.uniqueArray(bytes.map(base64), { minLength: 1, maxLength: 4 }).map((BS) => same({ BS }));

const scalar: fc.Arbitrary<Generated> = fc.oneof(
  unicodeText.map((S) => same({ S })),
  numberValue,
  bytes.map((data) => same({ B: base64(data) })),
  fc.boolean().map((BOOL) => same({ BOOL })),
  fc.constant(same({ NULL: true as const })),
  stringSet,
  numberSet,
  binarySet,
);

/** An attribute name: any non-empty Unicode text. */
export const attributeName = fc.oneof(nonEmptyText, fc.constantFrom('a', 'b', 'c', 'x'));

/** Any valid attribute value, nested lists and maps to `depth` levels. */
export function attributeValue(depth = 3): fc.Arbitrary<Generated> {
  if (depth === 0) return scalar;
  const inner = attributeValue(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }).map((members) => ({ sent: { L: members.map((m) => m.sent) }, stored: { L: members.map((m) => m.stored) } })) },
    { weight: 1, arbitrary: fc.dictionary(attributeName, inner, { maxKeys: 4, noNullPrototype: true }).map((entries) => mapOf(entries)) },
  );
}

// Object.fromEntries, so a member named __proto__ is a member like any other.
function mapOf(entries: Record<string, Generated>): Generated<{ M: Record<string, Value> }> {
  const members = Object.entries(entries);
  return {
    sent: { M: Object.fromEntries(members.map(([name, value]) => [name, value.sent])) },
    stored: { M: Object.fromEntries(members.map(([name, value]) => [name, value.stored])) },
  };
}

/** Non-key attributes of an item, none named as `reserved`. */
export function attributes(reserved: readonly string[], depth = 3): fc.Arbitrary<Generated<Item>> {
  return fc
    .dictionary(attributeName.filter((name) => !reserved.includes(name)), attributeValue(depth), { maxKeys: 5, noNullPrototype: true })
    .map((entries) => {
      const { sent, stored } = mapOf(entries);
      return { sent: sent.M, stored: stored.M };
    });
}

// ---------------------------------------------------------------- keys

export type KeyType = 'S' | 'N' | 'B';

/** A valid key value of `type`, at most `maxBytes` long, sometimes exactly that long. */
export function keyValue(type: KeyType, maxBytes: number): fc.Arbitrary<Generated> {
  switch (type) {
    case 'S':
      return fc.oneof(
        { weight: 9, arbitrary: nonEmptyText },
        { weight: 1, arbitrary: fc.constantFrom('x'.repeat(maxBytes), `${'é'.repeat(maxBytes / 2 - 1)}ab`, '\u0000'.repeat(maxBytes), `${'y'.repeat(maxBytes - 4)}😀`) },
      ).map((S) => same({ S }));
    case 'N':
      return numberValue;
    case 'B':
      return fc.oneof(
        { weight: 9, arbitrary: bytes.filter((data) => data.length > 0) },
        { weight: 1, arbitrary: fc.constantFrom(new Uint8Array(maxBytes), new Uint8Array(maxBytes).fill(255)) },
      ).map((data) => same({ B: base64(data) }));
  }
}

// ---------------------------------------------------------------- the model's semantics

/** DynamoDB's order of two key values of one type: strings by UTF-8 bytes, binaries by bytes, numbers by value. */
export function compareKeys(a: Value, b: Value): number {
  if ('S' in a && 'S' in b) return Buffer.compare(Buffer.from(a.S, 'utf8'), Buffer.from(b.S, 'utf8'));
  if ('B' in a && 'B' in b) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'));
  if ('N' in a && 'N' in b) return compareDecimals(a.N, b.N);
  throw new Error('not two key values of one type');
}

/** A value as DynamoDB answers it (numbers canonical), with every set's members sorted, so values compare with deepEqual. */
export function canonical(value: Value): Value {
  if ('N' in value) return { N: canonicalNumber(value.N) };
  if ('SS' in value) return { SS: [...value.SS].sort() };
  if ('NS' in value) return { NS: value.NS.map(canonicalNumber).sort() };
  if ('BS' in value) return { BS: [...value.BS].sort() };
  if ('L' in value) return { L: value.L.map(canonical) };
  if ('M' in value) return { M: canonicalItem(value.M) };
  return value;
}

export function canonicalItem(item: Readonly<Record<string, Value>>): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, canonical(value)]));
}
