/**
 * Order-preserving byte encoding of key values: comparing encodings as
 * unsigned bytes gives DynamoDB's order (strings by UTF-8 bytes, numbers
 * numerically, binaries by unsigned bytes), and every encoding is self-
 * delimiting and self-describing, so parts can be concatenated into storage
 * keys and decoded back without the key schema.
 *
 * Layout of one part (the first byte says the type, and for numbers the sign):
 *   N < 0   0x01, then the positive layout below with every byte inverted
 *   N = 0   0x02
 *   N > 0   0x03, exponent + 130 (one byte: the range is -130..125),
 *           digit pairs as pair + 1 (1..100), terminator 0x00
 *   S       0x04, UTF-8 bytes (textBytes) with 0x00 escaped as 0x00 0xFF, 0x00 0x01
 *   B       0x05, raw bytes escaped and terminated the same way
 * A key attribute has one type per table, so the type byte never decides an
 * order DynamoDB would see; it only makes decoding schema-free.
 *
 * Storage keys put these parts together (engine/key-layout.ts).
 */
import { isUtf8 } from 'node:buffer';
import { checkNumberParts, formatNumber, parseNumber, type DecimalParts } from './numbers.js';
import { hash32 } from './hash.js';

declare global {
  interface String {
    /** ES2024, in Node since 20: false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
  }
}

export { hash32 };

export type KeyValue = { readonly S: string } | { readonly N: string } | { readonly B: string };

const NEGATIVE = 0x01;
const ZERO = 0x02;
const POSITIVE = 0x03;
const STRING = 0x04;
const BINARY = 0x05;
const EXPONENT_BIAS = 130;
const ESCAPE = 0xff;
const END = 0x01;

// ------------------------------------------------------------ comparisons

/** Unsigned lexicographic byte order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * Strings in UTF-8 byte order without encoding them. UTF-16 code-unit order
 * agrees with it except that surrogates (U+D800..DFFF) must sort above
 * U+E000..FFFF, because they stand for code points beyond U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

function utf8Rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

// ---------------------------------------------------------------- text

/**
 * Lone surrogates are not text UTF-8 can hold, yet JSON lets a request carry
 * them (`"\ud800"`), and UTF-8 encoders replace each with U+FFFD, which would
 * store "\ud800", "\udfff" and "\ufffd" as one key. They get byte sequences
 * no UTF-8 text has, placed where compareUtf8 orders them: a lone high
 * surrogate as the first three bytes of the code points it would begin, then
 * 0x7F (below any fourth byte); a lone low surrogate, which ranks above every
 * other code unit, after the lead byte 0xF8, above every UTF-8 lead byte.
 */
const LONE_HIGH_END = 0x7f;
const LONE_LOW_LEAD = 0xf8;

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** The bytes a text is keyed by: its UTF-8, and distinct bytes for lone surrogates, in compareUtf8's order. */
export function textBytes(text: string): Buffer {
  if (text.isWellFormed()) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHigh(unit) && isLow(text.charCodeAt(i + 1))) i++;
    else if (isHigh(unit) || isLow(unit)) {
      parts.push(Buffer.from(text.slice(from, i), 'utf8'));
      if (isHigh(unit)) {
        const first = 0x10000 + ((unit - 0xd800) << 10);
        parts.push(Buffer.of(0xf0 | (first >> 18), 0x80 | ((first >> 12) & 0x3f), 0x80 | ((first >> 6) & 0x3f), LONE_HIGH_END));
      } else {
        parts.push(Buffer.of(LONE_LOW_LEAD, 0x80 | ((unit - 0xdc00) >> 6), 0x80 | ((unit - 0xdc00) & 0x3f)));
      }
      from = i + 1;
    }
  }
  parts.push(Buffer.from(text.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

/** The lone surrogate textBytes wrote at `i`. */
function loneUnit(bytes: Buffer, i: number): number {
  if (bytes[i] === LONE_LOW_LEAD) return 0xdc00 + (((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
  const first = ((bytes[i]! & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6);
  return 0xd800 + ((first - 0x10000) >> 10);
}

/** The text textBytes encoded. */
export function bytesText(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let text = '';
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const length = bytes[i] === LONE_LOW_LEAD ? 3 : bytes[i]! >= 0xf0 && bytes[i + 3] === LONE_HIGH_END ? 4 : 0;
    if (length === 0) continue;
    text += bytes.toString('utf8', from, i) + String.fromCharCode(loneUnit(bytes, i));
    from = i + length;
    i = from - 1;
  }
  return text + bytes.toString('utf8', from);
}

/** Base64 texts in the unsigned byte order of what they encode. */
export function compareBase64(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'base64'), Buffer.from(b, 'base64'));
}

/** DynamoDB's order of two key values of the same type. */
export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  return compareBytes(encodeKeyPart(a), encodeKeyPart(b));
}

// ------------------------------------------------------------- encoding

function encodeEscaped(tag: number, bytes: Uint8Array): Uint8Array {
  let zeros = 0;
  for (let i = bytes.indexOf(0); i !== -1; i = bytes.indexOf(0, i + 1)) zeros++;
  const out = Buffer.allocUnsafe(bytes.length + zeros + 3);
  out[0] = tag;
  if (zeros === 0) {
    out.set(bytes, 1);
  } else {
    let at = 1;
    for (const byte of bytes) {
      out[at++] = byte;
      if (byte === 0) out[at++] = ESCAPE;
    }
  }
  out[out.length - 2] = 0;
  out[out.length - 1] = END;
  return out;
}

function encodeNumber(parts: DecimalParts): Uint8Array {
  const { digits } = parts;
  if (digits === '') return Uint8Array.of(ZERO);
  // An out-of-range exponent would not fit its byte and silently misorder.
  checkNumberParts(parts);
  const pairs = (digits.length + 1) >> 1;
  const out = Buffer.allocUnsafe(pairs + 3);
  out[1] = parts.exponent + EXPONENT_BIAS;
  for (let i = 0; i < pairs; i++) {
    const high = digits.charCodeAt(2 * i) - 48;
    const low = 2 * i + 1 < digits.length ? digits.charCodeAt(2 * i + 1) - 48 : 0;
    out[2 + i] = high * 10 + low + 1;
  }
  out[pairs + 2] = 0;
  if (parts.negative) {
    for (let i = 1; i < out.length; i++) out[i] = 255 - out[i]!;
    out[0] = NEGATIVE;
  } else {
    out[0] = POSITIVE;
  }
  return out;
}

/**
 * The order-preserving encoding of a key value. Numbers outside DynamoDB's
 * range or precision are rejected with its validation errors.
 */
export function encodeKeyPart(value: KeyValue): Uint8Array {
  if ('S' in value) return encodeEscaped(STRING, textBytes(value.S));
  if ('N' in value) return encodeNumber(parseNumber(value.N));
  return encodeEscaped(BINARY, Buffer.from(value.B, 'base64'));
}

// ------------------------------------------------------------- decoding

export interface DecodedPart {
  readonly value: KeyValue;
  /** Offset just past the part. */
  readonly next: number;
}

function corrupt(offset: number): Error {
  return new Error(`corrupt key encoding at byte ${offset}`);
}

function decodeEscaped(bytes: Uint8Array, start: number): { content: Buffer; next: number } {
  const chunks: Uint8Array[] = [];
  let from = start;
  for (;;) {
    const zero = bytes.indexOf(0, from);
    if (zero === -1 || zero + 1 >= bytes.length) throw corrupt(start);
    chunks.push(bytes.subarray(from, zero));
    const marker = bytes[zero + 1];
    if (marker === END) return { content: Buffer.concat(chunks), next: zero + 2 };
    if (marker !== ESCAPE) throw corrupt(zero);
    chunks.push(Uint8Array.of(0));
    from = zero + 2;
  }
}

function decodeNumber(bytes: Uint8Array, start: number, negative: boolean): DecodedPart {
  const flip = negative ? 255 : 0;
  const at = (i: number): number => {
    const byte = bytes[i];
    if (byte === undefined) throw corrupt(i);
    return byte ^ flip;
  };
  const exponent = at(start) - EXPONENT_BIAS;
  let digits = '';
  let i = start + 1;
  for (let pair = at(i); pair !== 0; pair = at(++i)) {
    if (pair > 100) throw corrupt(i);
    digits += String(pair - 1).padStart(2, '0');
  }
  if (digits.endsWith('0')) digits = digits.slice(0, -1);
  return { value: { N: formatNumber({ negative, digits, exponent }) }, next: i + 1 };
}

/** Decodes the key part that starts at `offset`. */
export function decodeKeyPart(bytes: Uint8Array, offset: number): DecodedPart {
  switch (bytes[offset]) {
    case ZERO:
      return { value: { N: '0' }, next: offset + 1 };
    case POSITIVE:
      return decodeNumber(bytes, offset + 1, false);
    case NEGATIVE:
      return decodeNumber(bytes, offset + 1, true);
    case STRING: {
      const { content, next } = decodeEscaped(bytes, offset + 1);
      return { value: { S: bytesText(content) }, next };
    }
    case BINARY: {
      const { content, next } = decodeEscaped(bytes, offset + 1);
      return { value: { B: content.toString('base64') }, next };
    }
    default:
      throw corrupt(offset);
  }
}

// --------------------------------------------------------- storage keys

function hashBytes(hash: number): Uint8Array {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(hash, 0);
  return out;
}

/** The smallest key above every key that starts with `prefix` (undefined: none). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = Uint8Array.from(prefix.subarray(0, i + 1));
      out[i]! += 1;
      return out;
    }
  }
  return undefined;
}

export interface KeyRange {
  readonly start: Uint8Array;
  /** Exclusive; undefined means to the end of the keyspace. */
  readonly end: Uint8Array | undefined;
}

/**
 * Parallel-scan segment `segment` of `total`: the hash range
 * [floor(segment·2³²/total), floor((segment+1)·2³²/total)) under `prefix`.
 */
export function segmentRange(prefix: Uint8Array, segment: number, total: number): KeyRange {
  const bound = (i: number): number => Math.floor((i * 2 ** 32) / total);
  const high = bound(segment + 1);
  return {
    start: Buffer.concat([prefix, hashBytes(bound(segment))]),
    end: high >= 2 ** 32 ? prefixEnd(prefix) : Buffer.concat([prefix, hashBytes(high)]),
  };
}
