/**
 * CBOR (RFC 8949) as Smithy's RPC v2 CBOR protocol uses it: maps with text
 * keys, arrays, text and byte strings, integers, floats, booleans, null, and
 * tag 1 (epoch seconds) for timestamps.
 *
 * Decoding yields what the JSON protocols would have parsed, so operations see
 * the same request objects: maps become plain objects, integers and floats
 * numbers (a 64-bit integer past 2^53 rounds to the nearest double, as
 * JSON.parse rounds its digits), byte strings Uint8Arrays, undefined null
 * (the Smithy spec: servers MUST read it as null), and a tag-1 timestamp the
 * number of epoch seconds the JSON protocols send. Indefinite lengths are
 * read. Anything else is refused with a `CborError`: reserved or unassigned
 * encodings, other tags and simple values, non-text map keys, duplicate keys,
 * text that is not UTF-8, lengths past the end of the input, nesting deeper
 * than `maxDepth`, and bytes after the one top-level item. Every length is
 * checked against what is left of the input before anything is allocated, so
 * a huge declared length costs nothing, and each item consumes at least one
 * byte, so decoding ends.
 *
 * Encoding writes definite lengths and the smallest form of each integer;
 * other numbers as single precision when that is exact, else double (never
 * half precision, which the spec advises against); a Date as tag 1 with its
 * epoch seconds; object members whose value is undefined are left out, as
 * JSON.stringify leaves them out.
 */

export class CborError extends Error {}

/** The default nesting limit: far beyond any CloudWatch request, far below the stack's. */
export const MAX_CBOR_DEPTH = 64;

const MAJOR_UNSIGNED = 0;
const MAJOR_NEGATIVE = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const MAJOR_SIMPLE = 7;

const INDEFINITE = 31;
const BREAK = 0xff;
const TAG_EPOCH = 1;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const TWO_32 = 2 ** 32;

export function decodeCbor(bytes: Uint8Array, maxDepth = MAX_CBOR_DEPTH): unknown {
  const reader = new Reader(bytes, maxDepth);
  const value = reader.item(0);
  if (reader.offset !== bytes.length) throw new CborError(`Unexpected data after the CBOR item at byte ${reader.offset}`);
  return value;
}

class Reader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  item(depth: number): unknown {
    const start = this.offset;
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case MAJOR_UNSIGNED:
        return this.argument(info, major);
      case MAJOR_NEGATIVE:
        return this.negative(info);
      case MAJOR_BYTES:
        // A copy: the value must not keep the whole request's buffer alive or change with it.
        return info === INDEFINITE ? this.chunks(MAJOR_BYTES) : this.take(this.length(info, major)).slice();
      case MAJOR_TEXT:
        return info === INDEFINITE ? this.text(this.chunks(MAJOR_TEXT), start) : this.text(this.take(this.length(info, major)), start);
      case MAJOR_ARRAY:
        return this.array(info, this.deeper(depth, start));
      case MAJOR_MAP:
        return this.map(info, this.deeper(depth, start));
      case MAJOR_TAG:
        return this.tag(info, this.deeper(depth, start), start);
      default:
        return this.simple(info, start);
    }
  }

  private deeper(depth: number, start: number): number {
    if (depth + 1 > this.maxDepth) throw new CborError(`CBOR nesting deeper than ${this.maxDepth} levels at byte ${start}`);
    return depth + 1;
  }

  private byte(): number {
    if (this.offset >= this.bytes.length) throw truncated();
    return this.bytes[this.offset++]!;
  }

  private need(count: number): void {
    if (count > this.bytes.length - this.offset) throw truncated();
  }

  /** The argument of an initial byte: the value itself below 24, else the 1, 2, 4 or 8 bytes that follow. */
  private argument(info: number, major: number): number {
    if (info < 24) return info;
    const at = this.offset;
    switch (info) {
      case 24: {
        this.need(1);
        this.offset += 1;
        return this.view.getUint8(at);
      }
      case 25: {
        this.need(2);
        this.offset += 2;
        return this.view.getUint16(at);
      }
      case 26: {
        this.need(4);
        this.offset += 4;
        return this.view.getUint32(at);
      }
      case 27: {
        this.need(8);
        this.offset += 8;
        const high = this.view.getUint32(at);
        // Exact up to 2^53; beyond, rounded once to the nearest double (BigInt's conversion).
        return high < 0x200000 ? high * TWO_32 + this.view.getUint32(at + 4) : Number(this.view.getBigUint64(at));
      }
      default:
        throw new CborError(`Invalid additional information ${info} for CBOR major type ${major} at byte ${at - 1}`);
    }
  }

  private negative(info: number): number {
    const at = this.offset;
    if (info === 27) {
      this.need(8);
      if (this.view.getUint32(at) >= 0x200000) {
        this.offset += 8;
        return Number(-1n - this.view.getBigUint64(at));
      }
    }
    return -1 - this.argument(info, MAJOR_NEGATIVE);
  }

  /** A definite length, which cannot exceed what is left of the input (every item takes at least one byte). */
  private length(info: number, major: number): number {
    const length = this.argument(info, major);
    this.need(length);
    return length;
  }

  private take(length: number): Uint8Array {
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** The break code, consumed if it is next. */
  private atBreak(): boolean {
    if (this.offset >= this.bytes.length) throw truncated();
    if (this.bytes[this.offset] !== BREAK) return false;
    this.offset += 1;
    return true;
  }

  /** An indefinite-length string: definite chunks of the same major type up to the break. */
  private chunks(major: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    while (!this.atBreak()) {
      const at = this.offset;
      const initial = this.byte();
      if (initial >> 5 !== major || (initial & 0x1f) === INDEFINITE) {
        throw new CborError(`Invalid chunk in an indefinite-length CBOR ${major === MAJOR_TEXT ? 'text' : 'byte'} string at byte ${at}`);
      }
      const chunk = this.take(this.length(initial & 0x1f, major));
      // RFC 8949 3.2.3: each chunk of a text string is itself well-formed UTF-8.
      if (major === MAJOR_TEXT) this.text(chunk, at);
      parts.push(chunk);
      total += chunk.length;
    }
    const joined = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    return joined;
  }

  private text(bytes: Uint8Array, start: number): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new CborError(`Invalid UTF-8 in the CBOR text string at byte ${start}`);
    }
  }

  private array(info: number, depth: number): unknown[] {
    const items: unknown[] = [];
    if (info === INDEFINITE) {
      while (!this.atBreak()) items.push(this.item(depth));
      return items;
    }
    const count = this.length(info, MAJOR_ARRAY);
    for (let i = 0; i < count; i++) items.push(this.item(depth));
    return items;
  }

  private map(info: number, depth: number): Record<string, unknown> {
    const entries: Record<string, unknown> = {};
    if (info === INDEFINITE) {
      while (!this.atBreak()) this.entry(entries, depth);
      return entries;
    }
    const count = this.argument(info, MAJOR_MAP);
    // Each entry takes at least two bytes.
    if (count > (this.bytes.length - this.offset) / 2) throw truncated();
    for (let i = 0; i < count; i++) this.entry(entries, depth);
    return entries;
  }

  private entry(entries: Record<string, unknown>, depth: number): void {
    const at = this.offset;
    const key = this.item(depth);
    if (typeof key !== 'string') throw new CborError(`CBOR map key at byte ${at} is not a text string`);
    if (Object.hasOwn(entries, key)) throw new CborError(`Duplicate CBOR map key "${key}" at byte ${at}`);
    // Defined rather than assigned, so a key named __proto__ is a member like any other.
    Object.defineProperty(entries, key, { value: this.item(depth), enumerable: true, writable: true, configurable: true });
  }

  private tag(info: number, depth: number, start: number): number {
    const tag = this.argument(info, MAJOR_TAG);
    if (tag !== TAG_EPOCH) throw new CborError(`Unsupported CBOR tag ${tag} at byte ${start}`);
    // The spec's timestamp is an integer or a float; anything else (another tag included) is not one.
    const major = this.offset < this.bytes.length ? this.bytes[this.offset]! >> 5 : MAJOR_UNSIGNED;
    const value = major === MAJOR_UNSIGNED || major === MAJOR_NEGATIVE || major === MAJOR_SIMPLE ? this.item(depth) : undefined;
    if (typeof value !== 'number') throw new CborError(`CBOR timestamp (tag 1) at byte ${start} is not a number`);
    return value;
  }

  private simple(info: number, start: number): boolean | null | number {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23:
        return null;
      case 25:
        this.need(2);
        this.offset += 2;
        return halfToNumber(this.view.getUint16(start + 1));
      case 26:
        this.need(4);
        this.offset += 4;
        return this.view.getFloat32(start + 1);
      case 27:
        this.need(8);
        this.offset += 8;
        return this.view.getFloat64(start + 1);
      case INDEFINITE:
        throw new CborError(`Unexpected CBOR break code at byte ${start}`);
      default:
        throw new CborError(`Unsupported CBOR simple value at byte ${start}`);
    }
  }
}

function truncated(): CborError {
  return new CborError('Unexpected end of CBOR data');
}

/** IEEE 754 half precision: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. */
function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export function encodeCbor(value: unknown, maxDepth = MAX_CBOR_DEPTH): Uint8Array {
  const writer = new Writer(maxDepth);
  writer.item(value, 0);
  return writer.result();
}

const utf8Encoder = new TextEncoder();
const MAX_UINT64 = 2n ** 64n - 1n;

class Writer {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  private offset = 0;

  constructor(private readonly maxDepth: number) {}

  result(): Uint8Array {
    return this.bytes.subarray(0, this.offset);
  }

  item(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        return this.string(MAJOR_TEXT, utf8Encoder.encode(value));
      case 'number':
        return this.number(value);
      case 'bigint':
        return this.bigint(value);
      case 'boolean':
        return this.byte(value ? 0xf5 : 0xf4);
      case 'undefined':
        return this.byte(0xf6);
      case 'object':
        return this.object(value, depth);
      default:
        throw new TypeError(`CBOR cannot encode a ${typeof value}`);
    }
  }

  private object(value: object | null, depth: number): void {
    if (value === null) return this.byte(0xf6);
    if (value instanceof Uint8Array) return this.string(MAJOR_BYTES, value);
    if (value instanceof Date) return this.timestamp(value);
    if (depth + 1 > this.maxDepth) throw new CborError(`CBOR nesting deeper than ${this.maxDepth} levels`);
    if (Array.isArray(value)) {
      this.head(MAJOR_ARRAY, value.length);
      for (const member of value) this.item(member, depth + 1);
      return;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw new TypeError('CBOR encodes plain objects, arrays, Uint8Arrays and Dates only');
    const entries = Object.entries(value).filter(([, member]) => member !== undefined);
    this.head(MAJOR_MAP, entries.length);
    for (const [key, member] of entries) {
      this.string(MAJOR_TEXT, utf8Encoder.encode(key));
      this.item(member, depth + 1);
    }
  }

  private timestamp(date: Date): void {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new CborError('CBOR cannot encode an invalid Date');
    this.head(MAJOR_TAG, TAG_EPOCH);
    this.number(ms / 1000);
  }

  private number(value: number): void {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      return value >= 0 ? this.head(MAJOR_UNSIGNED, value) : this.head(MAJOR_NEGATIVE, -1 - value);
    }
    if (Math.fround(value) === value || Number.isNaN(value)) {
      this.reserve(5);
      this.bytes[this.offset] = 0xfa;
      this.view.setFloat32(this.offset + 1, value);
      this.offset += 5;
      return;
    }
    this.reserve(9);
    this.bytes[this.offset] = 0xfb;
    this.view.setFloat64(this.offset + 1, value);
    this.offset += 9;
  }

  private bigint(value: bigint): void {
    const magnitude = value >= 0n ? value : -1n - value;
    if (magnitude > MAX_UINT64) throw new CborError('CBOR cannot encode an integer beyond 64 bits');
    const major = value >= 0n ? MAJOR_UNSIGNED : MAJOR_NEGATIVE;
    if (magnitude <= BigInt(Number.MAX_SAFE_INTEGER)) return this.head(major, Number(magnitude));
    this.reserve(9);
    this.bytes[this.offset] = (major << 5) | 27;
    this.view.setBigUint64(this.offset + 1, magnitude);
    this.offset += 9;
  }

  private string(major: number, bytes: Uint8Array): void {
    this.head(major, bytes.length);
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
  }

  /** An initial byte with its argument in the fewest bytes. */
  private head(major: number, argument: number): void {
    this.reserve(9);
    const at = this.offset;
    const type = major << 5;
    if (argument < 24) {
      this.bytes[at] = type | argument;
      this.offset += 1;
    } else if (argument < 0x100) {
      this.bytes[at] = type | 24;
      this.bytes[at + 1] = argument;
      this.offset += 2;
    } else if (argument < 0x10000) {
      this.bytes[at] = type | 25;
      this.view.setUint16(at + 1, argument);
      this.offset += 3;
    } else if (argument < TWO_32) {
      this.bytes[at] = type | 26;
      this.view.setUint32(at + 1, argument);
      this.offset += 5;
    } else {
      this.bytes[at] = type | 27;
      this.view.setUint32(at + 1, Math.floor(argument / TWO_32));
      this.view.setUint32(at + 5, argument % TWO_32);
      this.offset += 9;
    }
  }

  private byte(value: number): void {
    this.reserve(1);
    this.bytes[this.offset++] = value;
  }

  private reserve(count: number): void {
    if (this.offset + count <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.offset + count) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.offset));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
