/**
 * DynamoDB numbers: decimal text of at most 38 significant digits whose
 * magnitude lies in 1E-130 .. 9.9999999999999999999999999999999999999E+125
 * (or is zero). Values are kept as text and never pass through JavaScript
 * floats; arithmetic runs in decimal.js at a precision wide enough to be exact
 * across the whole range.
 */
import { Decimal } from 'decimal.js';
import { validation } from '../protocol/errors.js';

export const MAX_SIGNIFICANT_DIGITS = 38;
export const MAX_EXPONENT = 125;
export const MIN_EXPONENT = -130;

export const NUMBER_TOO_PRECISE = 'Attempting to store more than 38 significant digits in a Number';
export const NUMBER_OVERFLOW =
  'Number overflow. Attempting to store a number with magnitude larger than supported range';
export const NUMBER_UNDERFLOW =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';
export const NUMBER_EMPTY = 'The parameter cannot be converted to a numeric value';

/**
 * A number split into its decimal parts: value = ±d₁.d₂d₃… × 10^exponent.
 * `digits` has no leading or trailing zeros; zero is the empty string (and
 * then `negative` is false and `exponent` 0), so equal values have equal parts.
 */
export interface DecimalParts {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

const ZERO: DecimalParts = { negative: false, digits: '', exponent: 0 };

// Java's BigDecimal grammar, which DynamoDB accepts: optional sign, digits with
// an optional point (either side may be empty, not both), optional exponent.
const NUMBER_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

// Exponents longer than this are far outside the supported range either way;
// clamping keeps the arithmetic on safe integers.
const MAX_EXPONENT_TEXT = 12;

/** Splits number text into parts without range checks; throws on bad syntax. */
export function parseNumber(text: string): DecimalParts {
  if (text === '') throw validation(NUMBER_EMPTY);
  const match = NUMBER_SYNTAX.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || whole.length + fraction.length === 0) {
    throw validation(`${NUMBER_EMPTY}: ${text}`);
  }
  const all = whole + fraction;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (first === all.length) return ZERO;
  let last = all.length;
  while (all.charCodeAt(last - 1) === 48) last--;
  const exponentText = match[4] ?? '0';
  const unsignedLength = exponentText.replace(/^[+-]/, '').replace(/^0+/, '').length;
  const written =
    unsignedLength > MAX_EXPONENT_TEXT
      ? (exponentText.startsWith('-') ? -1 : 1) * 10 ** MAX_EXPONENT_TEXT
      : Number(exponentText);
  return {
    negative: match[1] === '-',
    digits: all.slice(first, last),
    exponent: written + whole.length - first - 1,
  };
}

/** Throws DynamoDB's error if the parts cannot be stored. */
export function checkNumberParts(parts: DecimalParts): void {
  if (parts.digits === '') return;
  if (parts.exponent > MAX_EXPONENT) throw validation(NUMBER_OVERFLOW);
  if (parts.exponent < MIN_EXPONENT) throw validation(NUMBER_UNDERFLOW);
  if (parts.digits.length > MAX_SIGNIFICANT_DIGITS) throw validation(NUMBER_TOO_PRECISE);
}

/** Renders parts as DynamoDB returns numbers: plain digits, never an exponent. */
export function formatNumber(parts: DecimalParts): string {
  const { digits, exponent } = parts;
  if (digits === '') return '0';
  const sign = parts.negative ? '-' : '';
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (exponent >= digits.length - 1) return sign + digits + '0'.repeat(exponent - digits.length + 1);
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** Validates number text and returns DynamoDB's canonical form of it. */
export function canonicalNumber(text: string): string {
  const parts = parseNumber(text);
  checkNumberParts(parts);
  return formatNumber(parts);
}

/** Exact numeric comparison of two number texts: negative, 0 or positive. */
export function compareNumbers(a: string, b: string): number {
  return compareParts(parseNumber(a), parseNumber(b));
}

export function compareParts(a: DecimalParts, b: DecimalParts): number {
  const signA = signOf(a);
  const signB = signOf(b);
  if (signA !== signB) return signA - signB;
  if (signA === 0) return 0;
  return signA * compareMagnitudes(a, b);
}

function signOf(parts: DecimalParts): number {
  if (parts.digits === '') return 0;
  return parts.negative ? -1 : 1;
}

function compareMagnitudes(a: DecimalParts, b: DecimalParts): number {
  if (a.exponent !== b.exponent) return a.exponent - b.exponent;
  if (a.digits === b.digits) return 0;
  return a.digits < b.digits ? -1 : 1;
}

// Sums of in-range numbers span at most 125 + 130 + 2 digits; 300 keeps them exact.
const ExactDecimal = Decimal.clone({
  precision: 300,
  rounding: Decimal.ROUND_DOWN,
  toExpPos: 9e15,
  toExpNeg: -9e15,
  maxE: 9e15,
  minE: -9e15,
});

/** `a + b`, exact, validated and canonical. */
export function addNumbers(a: string, b: string): string {
  return canonicalNumber(new ExactDecimal(canonicalNumber(a)).plus(canonicalNumber(b)).toFixed());
}

/** `a - b`, exact, validated and canonical. */
export function subtractNumbers(a: string, b: string): string {
  return canonicalNumber(new ExactDecimal(canonicalNumber(a)).minus(canonicalNumber(b)).toFixed());
}
