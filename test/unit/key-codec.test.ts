import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import {
  compareBytes,
  compareUtf8,
  decodeKeyPart,
  encodeKeyPart,
  prefixEnd,
  segmentRange,
  type KeyValue,
} from '../../src/model/key-codec.js';
import { hash32 } from '../../src/model/hash.js';
import { canonicalNumber } from '../../src/model/numbers.js';
import { prng } from '../helpers/random.js';


const random = prng(20240611);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

// Characters chosen to hit the encoding's edge cases: NUL (escaped), bytes
// around the escape and terminator values, the UTF-16/UTF-8 order split, and
// lone surrogates (which JSON can carry and UTF-8 cannot).
const CHARACTERS = [
  '\u0000', '\u0001', '\u0002', 'a', 'b', '\u007f', '\u00ff', '\u0100', '\ue000', '\ufffd', '\uffff', '\ud83d\ude00', '\ud800\udc00', '\udbff\udfff',
  '\ud800', '\ud83d', '\udbff', '\udc00', '\ude00', '\udfff',
];

function randomString(): string {
  let s = '';
  for (let n = int(6); n > 0; n--) s += pick(CHARACTERS);
  return s;
}

function randomBinary(): string {
  const bytes = Buffer.alloc(int(6));
  for (let i = 0; i < bytes.length; i++) bytes[i] = pick([0, 0, 1, 2, 0x7f, 0xfe, 0xff, int(256)]);
  return bytes.toString('base64');
}

interface Digits {
  negative: boolean;
  digits: string;
  exponent: number;
}

function randomDigits(): Digits {
  const length = 1 + int(pick([3, 10, 38]));
  let digits = String(1 + int(9));
  for (let i = 1; i < length; i++) digits += pick(['0', '0', '9', String(int(10))]);
  digits = digits.replace(/0+$/, '');
  const exponent = pick([-130, 125, 0, 1, -1, int(256) - 130, int(10) - 5]);
  return { negative: random() < 0.5, digits, exponent };
}

/** Writes d₁.d₂… × 10^exponent in one of the many spellings DynamoDB accepts. */
function spell({ negative, digits, exponent }: Digits): string {
  const plain = random() < 0.4;
  const point = plain ? exponent + 1 : int(digits.length + 4) - 1;
  let whole: string;
  let fraction: string;
  if (point <= 0) {
    whole = '0';
    fraction = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    whole = digits + '0'.repeat(point - digits.length);
    fraction = '';
  } else {
    whole = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  whole = '0'.repeat(pick([0, 0, 1, 3])) + whole;
  fraction += '0'.repeat(pick([0, 0, 1, 2]));
  let text = (negative ? '-' : pick(['', '', '+'])) + whole + (fraction || random() < 0.2 ? `.${fraction}` : '');
  const shift = exponent - point + 1;
  if (!plain && (shift !== 0 || random() < 0.3)) text += pick(['e', 'E']) + (shift >= 0 ? pick(['', '+']) : '') + shift;
  return text;
}

function randomZero(): string {
  return pick(['0', '-0', '0.000', '000', '0e5', '-0.0E-7', '.0']);
}

function randomNumber(): string {
  return random() < 0.05 ? randomZero() : spell(randomDigits());
}

const ExactDecimal = Decimal.clone({ precision: 400, maxE: 9e15, minE: -9e15 });

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function expectedOrder(a: KeyValue, b: KeyValue): number {
  if ('S' in a && 'S' in b) {
    // UTF-8 byte order; lone surrogates, which UTF-8 cannot hold, rank as compareUtf8 ranks them.
    if (a.S.isWellFormed() && b.S.isWellFormed()) return Buffer.compare(Buffer.from(a.S, 'utf8'), Buffer.from(b.S, 'utf8'));
    return a.S === b.S ? 0 : compareUtf8(a.S, b.S);
  }
  if ('B' in a && 'B' in b) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'));
  if ('N' in a && 'N' in b) return new ExactDecimal(a.N).cmp(new ExactDecimal(b.N));
  throw new Error('mixed types');
}

function canonical(value: KeyValue): KeyValue {
  if ('N' in value) return { N: canonicalNumber(value.N) };
  return value;
}

/** A number differing from `digits` only in the last significant place(s). */
function neighbour(digits: string): string {
  return digits.length < 38 ? digits + '1' : digits.slice(0, -1) + pick(['1', '5', '9']);
}

function randomPair(): [KeyValue, KeyValue] {
  switch (int(3)) {
    case 0: {
      const a = randomString();
      return [{ S: a }, { S: random() < 0.2 ? a + pick(CHARACTERS) : randomString() }];
    }
    case 1:
      return [{ B: randomBinary() }, { B: randomBinary() }];
    default: {
      const parts = randomDigits();
      const a = random() < 0.05 ? randomZero() : spell(parts);
      const roll = random();
      // Equal values in different spellings, near neighbours, or anything.
      const b = roll < 0.25 ? spell(parts) : roll < 0.4 ? spell({ ...parts, digits: neighbour(parts.digits) }) : randomNumber();
      return [{ N: a }, { N: b }];
    }
  }
}

describe('key codec', () => {
  test('byte order of encodings equals DynamoDB order, and parts round-trip (200,000 random pairs)', () => {
    let equalNumbers = 0;
    for (let i = 0; i < 200_000; i++) {
      const [a, b] = randomPair();
      const encodedA = encodeKeyPart(a);
      const encodedB = encodeKeyPart(b);
      const expected = sign(expectedOrder(a, b));
      assert.equal(sign(compareBytes(encodedA, encodedB)), expected, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      if ('N' in a && expected === 0) equalNumbers++;
      if ('S' in a && 'S' in b) assert.equal(sign(compareUtf8(a.S, b.S)), expected);
      const decoded = decodeKeyPart(encodedA, 0);
      assert.deepEqual(decoded.value, canonical(a));
      assert.equal(decoded.next, encodedA.length);
    }
    assert.ok(equalNumbers > 10_000, `only ${equalNumbers} equal number pairs were generated`);
  });

  test('concatenated parts keep the order of the first part, then the second', () => {
    for (let i = 0; i < 20_000; i++) {
      const [a, b] = randomPair();
      const [c, d] = randomPair();
      const left = Buffer.concat([encodeKeyPart(a), encodeKeyPart(c)]);
      const right = Buffer.concat([encodeKeyPart(b), encodeKeyPart(d)]);
      const first = sign(expectedOrder(a, b));
      const expected = first !== 0 ? first : sign(expectedOrder(c, d));
      assert.equal(sign(compareBytes(left, right)), expected, `${JSON.stringify([a, c])} vs ${JSON.stringify([b, d])}`);
    }
  });

  test('lone surrogates and U+FFFD are distinct keys, ordered as compareUtf8 orders them', () => {
    const ordered = ['\ufffd\u0000', '\uffff', '\ud800', '\ud800\u0000', '\ud800\ud800', '\ud800\udc00', '\udbff', '\udbff\udfff', '\udc00', '\udfff', '\udfff\ud800'];
    const texts = [...ordered, '\ufffd', '\ufffd\ufffd\ufffd'];
    assert.equal(new Set(texts.map((S) => Buffer.from(encodeKeyPart({ S })).toString('hex'))).size, texts.length);
    for (let i = 1; i < ordered.length; i++) {
      assert.ok(compareUtf8(ordered[i - 1]!, ordered[i]!) < 0, `compareUtf8 at ${i}`);
      assert.ok(compareBytes(encodeKeyPart({ S: ordered[i - 1]! }), encodeKeyPart({ S: ordered[i]! })) < 0, `encoding at ${i}`);
    }
    for (const S of texts) assert.equal((decodeKeyPart(encodeKeyPart({ S }), 0).value as { S: string }).S, S);
  });

  test('equal numbers written differently encode identically', () => {
    const spellings = ['1', '1.0', '01', '1E0', '10e-1', '+1', '0.1e1', '1.000000'];
    const encoded = spellings.map((n) => Buffer.from(encodeKeyPart({ N: n })).toString('hex'));
    assert.equal(new Set(encoded).size, 1);
    assert.equal(Buffer.from(encodeKeyPart({ N: '-0' })).toString('hex'), Buffer.from(encodeKeyPart({ N: '0' })).toString('hex'));
  });

  test('extreme numbers order correctly', () => {
    const ordered = [
      '-9.9999999999999999999999999999999999999E+125',
      '-1',
      '-1e-130',
      '0',
      '1e-130',
      '1.0000000000000000000000000000000000001e-130',
      '1',
      '99999999999999999999999999999999999999',
      '9.9999999999999999999999999999999999999E+125',
    ].map((n) => encodeKeyPart({ N: n }));
    for (let i = 1; i < ordered.length; i++) assert.ok(compareBytes(ordered[i - 1]!, ordered[i]!) < 0, `index ${i}`);
  });

  test('refuses numbers DynamoDB cannot store instead of misordering them', () => {
    assert.throws(() => encodeKeyPart({ N: '1e126' }), /Number overflow/);
    assert.throws(() => encodeKeyPart({ N: '1e-131' }), /Number underflow/);
  });

  test('rejects corrupt input', () => {
    assert.throws(() => decodeKeyPart(Uint8Array.of(0x09), 0));
    assert.throws(() => decodeKeyPart(Uint8Array.of(0x04, 0x61, 0x00), 0));
    assert.throws(() => decodeKeyPart(Uint8Array.of(0x03, 0x82, 0x0b), 0));
  });
});

describe('key ranges', () => {
  const prefix = Uint8Array.of(0x10, 0x00, 0x07);

  test('prefixEnd', () => {
    assert.deepEqual([...prefixEnd(Uint8Array.of(1, 2, 0xff))!], [1, 3]);
    assert.equal(prefixEnd(Uint8Array.of(0xff, 0xff)), undefined);
  });

  test('parallel-scan segments are disjoint, complete and non-empty, even for 1,000,000 segments', () => {
    for (const total of [1, 2, 3, 7, 1_000_000]) {
      const step = Math.max(1, Math.floor(total / 50));
      let previousEnd: Uint8Array | undefined = Uint8Array.from([...prefix, 0, 0, 0, 0]);
      for (let segment = 0; segment < total; segment += step) {
        const range = segmentRange(prefix, segment, total);
        if (segment === 0) assert.deepEqual([...range.start], [...previousEnd!]);
        if (step === 1 && segment > 0) assert.deepEqual([...range.start], [...previousEnd!]);
        assert.ok(range.end === undefined || compareBytes(range.start, range.end) < 0);
        previousEnd = range.end;
      }
      const last = segmentRange(prefix, total - 1, total);
      assert.deepEqual([...last.end!], [...prefixEnd(prefix)!]);
    }
  });
});

describe('hash32', () => {
  test('matches MurmurHash3 x86_32 reference values', () => {
    assert.equal(hash32(new Uint8Array(0)), 0);
    assert.equal(hash32(new Uint8Array(0), 1), 0x514e28b7);
    assert.equal(hash32(Buffer.from('hello')), 0x248bfa47);
    assert.equal(hash32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x2e4ff723);
  });

  test('spreads similar keys across the hash space', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) buckets[hash32(encodeKeyPart({ S: `user#${i}` })) >>> 28]! += 1;
    for (const count of buckets) assert.ok(count > 800 && count < 1200, `bucket holds ${count}`);
  });
});
