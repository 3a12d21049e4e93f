/**
 * Amazon Ion text for exports in ION format (Developer Guide, "DynamoDB
 * table export output format", Amazon Ion): each line is the version marker
 * `$ion_1_0` and one struct, with DynamoDB's types mapped as the guide's
 * table says: S → string, N → decimal, B → blob, BOOL → bool, NULL → null,
 * L → list, M → struct, and the sets as lists annotated `$dynamodb_SS`,
 * `$dynamodb_NS` or `$dynamodb_BS`. Numbers keep their digits exactly, as
 * Ion decimals do (`103.`, `6d2`, `15d-1`: the guide's own examples write 600
 * as `6d2`). Field names are written as quoted symbols, which every name is
 * allowed to be.
 */
import type { AttributeValue } from '../../model/attribute-value.js';
import type { ExportLine } from './export-lines.js';

/** Ion's string escapes: quote, backslash and every control character. */
function ionString(text: string, quote: '"' | "'"): string {
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}${quote}`;
}

/** A DynamoDB number (validated decimal text) as an Ion decimal: coefficient digits and exponent, trailing zeros folded into the exponent. */
export function ionDecimal(number: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(number);
  if (match === null) throw new Error(`not a DynamoDB number: ${number}`);
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let exponent = Number(exponentText) - fraction.length;
  if (digits === '') return '0.';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return exponent === 0 ? `${sign}${digits}.` : `${sign}${digits}d${exponent}`;
}

function ionValue(value: AttributeValue): string {
  if ('S' in value) return ionString(value.S, '"');
  if ('N' in value) return ionDecimal(value.N);
  if ('B' in value) return `{{${value.B}}}`;
  if ('BOOL' in value) return value.BOOL ? 'true' : 'false';
  if ('NULL' in value) return 'null';
  if ('L' in value) return `[${value.L.map(ionValue).join(',')}]`;
  if ('M' in value) return ionStruct(value.M);
  if ('SS' in value) return `$dynamodb_SS::[${value.SS.map((text) => ionString(text, '"')).join(',')}]`;
  if ('NS' in value) return `$dynamodb_NS::[${value.NS.map(ionDecimal).join(',')}]`;
  return `$dynamodb_BS::[${value.BS.map((bytes) => `{{${bytes}}}`).join(',')}]`;
}

function ionStruct(fields: Readonly<Record<string, AttributeValue>>): string {
  return `{${Object.entries(fields)
    .map(([name, value]) => `${ionString(name, "'")}:${ionValue(value)}`)
    .join(',')}}`;
}

/** One export line in Ion text (no newline). */
export function ionLine(line: ExportLine): string {
  return `$ion_1_0 ${ionStruct(Object.fromEntries(Object.entries(line).map(([name, item]) => [name, { M: item }])))}`;
}
