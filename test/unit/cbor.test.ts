/**
 * The CBOR codec: RFC 8949's encodings of every major type (the examples of
 * its Appendix A among them), indefinite lengths, Smithy's timestamps, round
 * trips, and refusals of malformed input (truncated, reserved encodings,
 * huge declared lengths, deep nesting) with CborError, never anything else.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CborError, decodeCbor, encodeCbor, MAX_CBOR_DEPTH } from '../../src/protocol/cbor.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function refused(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeCbor(bytes), (error: unknown) => error instanceof CborError && message.test(error.message));
}

describe('decoding', () => {
  test('integers of every width, positive and negative', () => {
    const cases: [string, number][] = [
      ['00', 0], ['17', 23], ['1818', 24], ['1864', 100], ['1903e8', 1000], ['1a000f4240', 1000000],
      ['1b000000e8d4a51000', 1000000000000], ['1b001fffffffffffff', Number.MAX_SAFE_INTEGER],
      ['20', -1], ['3863', -100], ['3903e7', -1000], ['3b001ffffffffffffe', Number.MIN_SAFE_INTEGER],
    ];
    for (const [bytes, value] of cases) assert.equal(decodeCbor(hex(bytes)), value, bytes);
  });

  test('64-bit integers past 2^53 round to the nearest double, as JSON.parse rounds their digits', () => {
    assert.equal(decodeCbor(hex('1bffffffffffffffff')), JSON.parse('18446744073709551615'));
    assert.equal(decodeCbor(hex('3bffffffffffffffff')), JSON.parse('-18446744073709551616'));
    assert.equal(decodeCbor(hex('1b0020000000000001')), JSON.parse('9007199254740993'));
  });

  test('half, single and double precision floats, with their special values', () => {
    const cases: [string, number][] = [
      ['f90000', 0], ['f98000', -0], ['f93c00', 1], ['f93e00', 1.5], ['f97bff', 65504], ['f90001', 5.960464477539063e-8],
      ['f90400', 0.00006103515625], ['f9c400', -4], ['f97c00', Infinity], ['f9fc00', -Infinity],
      ['fa47c35000', 100000], ['fa7f7fffff', 3.4028234663852886e38], ['fa7f800000', Infinity],
      ['fb3ff199999999999a', 1.1], ['fb7e37e43c8800759c', 1e300], ['fbc010666666666666', -4.1], ['fbfff0000000000000', -Infinity],
    ];
    for (const [bytes, value] of cases) assert.ok(Object.is(decodeCbor(hex(bytes)), value), bytes);
    assert.ok(Number.isNaN(decodeCbor(hex('f97e00'))));
    assert.ok(Number.isNaN(decodeCbor(hex('fa7fc00000'))));
    assert.ok(Number.isNaN(decodeCbor(hex('fb7ff8000000000000'))));
  });

  test('booleans, null, and undefined read as null (the Smithy spec)', () => {
    assert.equal(decodeCbor(hex('f4')), false);
    assert.equal(decodeCbor(hex('f5')), true);
    assert.equal(decodeCbor(hex('f6')), null);
    assert.equal(decodeCbor(hex('f7')), null);
  });

  test('text and byte strings', () => {
    const texts: [string, string][] = [['60', ''], ['6161', 'a'], ['6449455446', 'IETF'], ['62225c', '"\\'], ['62c3bc', 'ü'], ['63e6b0b4', '水'], ['64f0908591', '𐅑']];
    for (const [bytes, value] of texts) assert.equal(decodeCbor(hex(bytes)), value, bytes);
    assert.deepEqual(decodeCbor(hex('40')), new Uint8Array());
    assert.deepEqual(decodeCbor(hex('4401020304')), Uint8Array.of(1, 2, 3, 4));
  });

  test('a byte string is a copy, not a view of the input', () => {
    const input = hex('43010203');
    const bytes = decodeCbor(input) as Uint8Array;
    input[1] = 9;
    assert.deepEqual(bytes, Uint8Array.of(1, 2, 3));
    assert.equal(bytes.buffer.byteLength, 3);
  });

  test('arrays and maps', () => {
    assert.deepEqual(decodeCbor(hex('80')), []);
    assert.deepEqual(decodeCbor(hex('83010203')), [1, 2, 3]);
    assert.deepEqual(decodeCbor(hex('8301820203820405')), [1, [2, 3], [4, 5]]);
    assert.deepEqual(decodeCbor(hex('a0')), {});
    assert.deepEqual(decodeCbor(hex('a26161016162820203')), { a: 1, b: [2, 3] });
    assert.deepEqual(decodeCbor(hex('826161a161626163')), ['a', { b: 'c' }]);
  });

  test('indefinite-length strings, arrays and maps', () => {
    assert.deepEqual(decodeCbor(hex('5f42010243030405ff')), Uint8Array.of(1, 2, 3, 4, 5));
    assert.deepEqual(decodeCbor(hex('5fff')), new Uint8Array());
    assert.equal(decodeCbor(hex('7f657374726561646d696e67ff')), 'streaming');
    assert.deepEqual(decodeCbor(hex('9fff')), []);
    assert.deepEqual(decodeCbor(hex('9f018202039f0405ffff')), [1, [2, 3], [4, 5]]);
    assert.deepEqual(decodeCbor(hex('83018202039f0405ff')), [1, [2, 3], [4, 5]]);
    assert.deepEqual(decodeCbor(hex('bf61610161629f0203ffff')), { a: 1, b: [2, 3] });
    assert.deepEqual(decodeCbor(hex('bf6346756ef563416d7421ff')), { Fun: true, Amt: -2 });
    // The empty input structure of Smithy's protocol tests ("v/8=").
    assert.deepEqual(decodeCbor(Buffer.from('v/8=', 'base64')), {});
  });

  test('tag 1 timestamps become epoch seconds, integer or fractional', () => {
    assert.equal(decodeCbor(hex('c11a514b67b0')), 1363896240);
    assert.equal(decodeCbor(hex('c1fb41d452d9ec200000')), 1363896240.5);
    assert.equal(decodeCbor(hex('c120')), -1);
    assert.deepEqual(decodeCbor(hex('a169537461727454696d65c11a514b67b0')), { StartTime: 1363896240 });
  });

  test('a key named __proto__ is an own member and changes no prototype', () => {
    const decoded = decodeCbor(hex('a1695f5f70726f746f5f5fa1617801')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.ok(Object.hasOwn(decoded, '__proto__'));
    assert.equal((decoded as { x?: unknown }).x, undefined);
    assert.equal(JSON.stringify(decoded), '{"__proto__":{"x":1}}');
  });
});

describe('refusals', () => {
  test('every truncation of a valid item', () => {
    const whole = encodeCbor({ Namespace: 'AWS/DynamoDB', Values: [1, -2, 1.5, 2 ** 40, true, null], Blob: Uint8Array.of(1, 2), When: new Date(1363896240500) });
    for (let length = 0; length < whole.length; length++) refused(whole.subarray(0, length), /end of CBOR data/);
    refused(hex('5f4101'), /end of CBOR data/);
    refused(hex('9f01'), /end of CBOR data/);
    refused(hex('bf616101'), /end of CBOR data/);
    refused(hex('c1'), /end of CBOR data/);
  });

  test('huge declared lengths, at once and without allocating', () => {
    for (const bytes of ['5bffffffffffffffff', '7bffffffffffffffff', '9bffffffffffffffff', 'bbffffffffffffffff', '5a7fffffff00', '9a7fffffff00', 'ba4000000000', '5b0020000000000000']) {
      refused(hex(bytes), /end of CBOR data/);
    }
    // A map of n entries needs at least 2n bytes.
    refused(hex('a3616101'), /end of CBOR data/);
  });

  test('nesting deeper than the limit, definite or not, in arrays, maps and tags', () => {
    const nested = (open: string, depth: number, inner = '00') => hex(open.repeat(depth) + inner);
    assert.deepEqual(decodeCbor(nested('81', MAX_CBOR_DEPTH)), JSON.parse('['.repeat(MAX_CBOR_DEPTH) + '0' + ']'.repeat(MAX_CBOR_DEPTH)));
    refused(nested('81', MAX_CBOR_DEPTH + 1), /nesting deeper than 64/);
    refused(nested('81', 100_000), /nesting deeper/);
    refused(nested('9f', 100_000), /nesting deeper/);
    refused(nested('a16161', 100_000), /nesting deeper/);
    assert.deepEqual(decodeCbor(nested('81', 3), 3), [[[0]]]);
    assert.throws(() => decodeCbor(hex('8181818100'), 3), /nesting deeper than 3 levels at byte 3/);
  });

  test('reserved and invalid additional information', () => {
    for (const bytes of ['1c', '1d', '1e', '1f', '3f', 'dc', 'df', '5c', '7d', '9e', 'be', 'fc', 'fd', 'fe']) refused(hex(bytes), /Invalid additional information|Unsupported CBOR simple value/);
  });

  test('a break code outside an indefinite-length item', () => {
    refused(hex('ff'), /Unexpected CBOR break code/);
    refused(hex('8201ff'), /Unexpected CBOR break code/);
  });

  test('indefinite-length strings with a chunk of another type or an indefinite chunk', () => {
    refused(hex('7f4161ff'), /Invalid chunk/);
    refused(hex('5f6161ff'), /Invalid chunk/);
    refused(hex('5f5f4101ffff'), /Invalid chunk/);
    refused(hex('7f01ff'), /Invalid chunk/);
  });

  test('text that is not UTF-8, whole or in one chunk', () => {
    refused(hex('62c328'), /Invalid UTF-8/);
    refused(hex('61ff'), /Invalid UTF-8/);
    // Each chunk of an indefinite text string must be UTF-8 by itself (RFC 8949 3.2.3), even if they join to valid text.
    refused(hex('7f61c361bcff'), /Invalid UTF-8/);
  });

  test('map keys that are not text, and duplicate keys', () => {
    refused(hex('a10102'), /not a text string/);
    refused(hex('a1410102'), /not a text string/);
    refused(hex('a1800102'), /not a text string/);
    refused(hex('a2616101616102'), /Duplicate CBOR map key "a"/);
    refused(hex('bf616101616102ff'), /Duplicate CBOR map key "a"/);
  });

  test('tags other than 1, and tag 1 on anything but a number', () => {
    refused(hex('c0746f6d6f7272'), /Unsupported CBOR tag 0/);
    refused(hex('c249010000000000000000'), /Unsupported CBOR tag 2/);
    refused(hex('c48221196ab3'), /Unsupported CBOR tag 4/);
    refused(hex('d82076687474703a2f2f7777772e6578616d706c652e636f6d'), /Unsupported CBOR tag 32/);
    refused(hex('c16161'), /timestamp \(tag 1\) at byte 0 is not a number/);
    refused(hex('c1c100'), /not a number/);
    refused(hex('c1f5'), /not a number/);
    refused(hex('c180'), /not a number/);
  });

  test('simple values other than false, true, null and undefined', () => {
    for (const bytes of ['e0', 'f0', 'f3', 'f818', 'f8ff']) refused(hex(bytes), /Unsupported CBOR simple value/);
  });

  test('bytes after the item, and no item at all', () => {
    refused(hex('0000'), /Unexpected data after the CBOR item at byte 1/);
    refused(hex('a0ff'), /Unexpected data after/);
    refused(new Uint8Array(), /end of CBOR data/);
  });

  test('random bytes are decoded or refused with CborError, never anything else', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let run = 0; run < 20_000; run++) {
      const bytes = Uint8Array.from({ length: 1 + (random() % 24) }, random);
      try {
        decodeCbor(bytes);
      } catch (error) {
        assert.ok(error instanceof CborError, `${toHex(bytes)}: ${String(error)}`);
      }
    }
  });
});

describe('encoding', () => {
  test('integers in the fewest bytes', () => {
    const cases: [number | bigint, string][] = [
      [0, '00'], [23, '17'], [24, '1818'], [255, '18ff'], [256, '190100'], [65535, '19ffff'], [65536, '1a00010000'],
      [2 ** 32 - 1, '1affffffff'], [2 ** 32, '1b0000000100000000'], [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
      [-1, '20'], [-24, '37'], [-25, '3818'], [-1000, '3903e7'], [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
      [2n ** 64n - 1n, '1bffffffffffffffff'], [-(2n ** 64n), '3bffffffffffffffff'], [5n, '05'], [-5n, '24'],
    ];
    for (const [value, bytes] of cases) assert.equal(toHex(encodeCbor(value)), bytes, String(value));
    assert.throws(() => encodeCbor(2n ** 64n), CborError);
    assert.throws(() => encodeCbor(-(2n ** 64n) - 1n), CborError);
  });

  test('other numbers as single precision when exact, else double; never half', () => {
    const cases: [number, string][] = [
      [1.5, 'fa3fc00000'], [-0, 'fa80000000'], [100000.5, 'fa47c35040'], [1.1, 'fb3ff199999999999a'],
      [1e300, 'fb7e37e43c8800759c'], [Infinity, 'fa7f800000'], [-Infinity, 'faff800000'], [2 ** 60, 'fa5d800000'], [2 ** 53 + 2, 'fb4340000000000001'],
    ];
    for (const [value, bytes] of cases) assert.equal(toHex(encodeCbor(value)), bytes, String(value));
    assert.equal(toHex(encodeCbor(NaN)), 'fa7fc00000');
  });

  test('strings, byte strings, booleans and null', () => {
    assert.equal(toHex(encodeCbor('')), '60');
    assert.equal(toHex(encodeCbor('IETF')), '6449455446');
    assert.equal(toHex(encodeCbor('水')), '63e6b0b4');
    assert.equal(toHex(encodeCbor('x'.repeat(300))), `790${(300).toString(16)}${'78'.repeat(300)}`);
    assert.equal(toHex(encodeCbor(Uint8Array.of(1, 2, 3, 4))), '4401020304');
    assert.equal(toHex(encodeCbor(Buffer.from([1]))), '4101');
    assert.equal(toHex(encodeCbor(true)), 'f5');
    assert.equal(toHex(encodeCbor(false)), 'f4');
    assert.equal(toHex(encodeCbor(null)), 'f6');
    // Never CBOR's undefined, which Smithy's servers must not send.
    assert.equal(toHex(encodeCbor(undefined)), 'f6');
    assert.equal(toHex(encodeCbor([undefined])), '81f6');
  });

  test('arrays and maps with definite lengths; undefined members left out', () => {
    assert.equal(toHex(encodeCbor([1, [2, 3], [4, 5]])), '8301820203820405');
    assert.equal(toHex(encodeCbor({ a: 1, b: [2, 3] })), 'a26161016162820203');
    assert.equal(toHex(encodeCbor({ a: 1, gone: undefined })), 'a1616101');
    assert.equal(toHex(encodeCbor(Object.assign(Object.create(null) as object, { a: 1 }))), 'a1616101');
    const long = Array.from({ length: 70_000 }, (_, i) => i % 24);
    assert.equal(toHex(encodeCbor(long).subarray(0, 5)), '9a00011170');
    assert.deepEqual(decodeCbor(encodeCbor(long)), long);
  });

  test('Dates as tag 1 with epoch seconds: an integer when whole, else a double', () => {
    assert.equal(toHex(encodeCbor(new Date(1363896240000))), 'c11a514b67b0');
    assert.equal(toHex(encodeCbor(new Date(1363896240500))), 'c1fb41d452d9ec200000');
    assert.equal(toHex(encodeCbor(new Date(-1000))), 'c120');
    assert.deepEqual(decodeCbor(encodeCbor({ Timestamp: new Date(1700000000123) })), { Timestamp: 1700000000.123 });
    assert.throws(() => encodeCbor(new Date(NaN)), CborError);
  });

  test('refuses what CBOR here has no encoding for, and nesting past the limit', () => {
    assert.throws(() => encodeCbor(new Map()), TypeError);
    assert.throws(() => encodeCbor({ f: () => 1 }), TypeError);
    assert.throws(() => encodeCbor(Symbol('s')), TypeError);
    let deep: unknown = 0;
    for (let i = 0; i < MAX_CBOR_DEPTH + 1; i++) deep = [deep];
    assert.throws(() => encodeCbor(deep), /nesting deeper than 64/);
  });

  test('round trips of JSON-like values', () => {
    let seed = 99;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    const value = (depth: number): unknown => {
      switch (random(depth > 4 ? 6 : 8)) {
        case 0: return random(2) === 0 ? random(1 << 30) : -random(2 ** 31) * 4099;
        case 1: return (random(1_000_000) - 500_000) / 7;
        case 2: return String.fromCodePoint(...Array.from({ length: random(8) }, () => random(0x10ffff - 0xe000) + (random(2) ? 0xe000 : 0x20)).filter((c) => c < 0xd800 || c > 0xdfff));
        case 3: return random(2) === 0;
        case 4: return null;
        case 5: return Uint8Array.from({ length: random(5) }, () => random(256));
        case 6: return Array.from({ length: random(5) }, () => value(depth + 1));
        default: return Object.fromEntries(Array.from({ length: random(5) }, (_, i) => [`k${i}${random(100)}`, value(depth + 1)]));
      }
    };
    for (let run = 0; run < 2000; run++) {
      const original = value(0);
      assert.deepEqual(decodeCbor(encodeCbor(original)), original);
    }
  });
});
