/**
 * The Amazon Ion text DynamoDB's exports write and ImportTable reads: one
 * line per item, `$ion_1_0 {Item:{...}}`, with Ion's values mapped to
 * attribute values as the developer guide's table gives them ("Amazon S3
 * import formats for DynamoDB"): string → S, bool → BOOL, decimal (and int) →
 * N, blob → B, a list annotated `$dynamodb_SS`, `$dynamodb_NS` or
 * `$dynamodb_BS` → that set, any other list → L, struct → M, and null (of any
 * type) → NULL. The reader knows that subset of Ion text (Ion 1.0
 * specification): comments, strings and long strings with their escapes,
 * quoted and identifier symbols, annotations, ints (decimal, hex, binary,
 * with underscores), decimals, blobs, lists and structs. Floats, timestamps,
 * symbols as values, clobs and s-expressions have no attribute value and are
 * refused, as is anything that is not Ion.
 */
import { MalformedRecord } from './object-records.js';

const MAX_DEPTH = 64;
const SETS: Readonly<Record<string, 'SS' | 'NS' | 'BS'>> = { $dynamodb_SS: 'SS', $dynamodb_NS: 'NS', $dynamodb_BS: 'BS' };
const IDENTIFIER_START = /[A-Za-z_$]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$]/;
const NUMBER_CHAR = /[0-9A-Za-z_.+-]/;
const DECIMAL_INT = /^-?(0|[1-9](_?[0-9])*)$/;
const RADIX_INT = /^(-?)0([xX][0-9a-fA-F](_?[0-9a-fA-F])*|[bB][01](_?[01])*)$/;
const DECIMAL = /^-?(0|[1-9](_?[0-9])*)(\.([0-9](_?[0-9])*)?)?([dD][+-]?[0-9]+)?$/;
const FLOAT = /^-?(0|[1-9](_?[0-9])*)(\.([0-9](_?[0-9])*)?)?[eE][+-]?[0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fail(message: string): never {
  throw new MalformedRecord(`Not an Ion item: ${message}`);
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  /** Skips white space and comments; false at the end of the text. */
  skip(): boolean {
    const { text } = this;
    while (this.at < text.length) {
      const c = text[this.at]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') this.at++;
      else if (text.startsWith('//', this.at)) {
        const end = text.indexOf('\n', this.at);
        this.at = end < 0 ? text.length : end + 1;
      } else if (text.startsWith('/*', this.at)) {
        const end = text.indexOf('*/', this.at + 2);
        if (end < 0) fail('a comment is not closed');
        this.at = end + 2;
      } else return true;
    }
    return false;
  }

  private peek(): string {
    if (!this.skip()) fail('the text ends inside a value');
    return this.text[this.at]!;
  }

  private expect(c: string): void {
    if (this.peek() !== c) fail(`expected "${c}" at offset ${this.at}`);
    this.at++;
  }

  /** One escape sequence after its backslash. */
  private escape(): string {
    const c = this.text[this.at++];
    const hex = (digits: number): string => {
      const code = this.text.slice(this.at, this.at + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(code)) fail('a bad escape sequence');
      this.at += digits;
      const point = Number.parseInt(code, 16);
      if (point > 0x10ffff) fail('a bad escape sequence');
      return String.fromCodePoint(point);
    };
    switch (c) {
      case 'a': return '\u0007';
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      case 'v': return '\v';
      case '0': return '\0';
      case '?': case "'": case '"': case '/': case '\\': return c;
      case 'x': return hex(2);
      case 'u': return hex(4);
      case 'U': return hex(8);
      case '\n': return '';
      case '\r': if (this.text[this.at] === '\n') this.at++; return '';
      default: return fail('a bad escape sequence');
    }
  }

  /** Text up to the closing `quote` (a single character or `'''`), escapes resolved. */
  private quoted(quote: string): string {
    let value = '';
    for (;;) {
      if (this.at >= this.text.length) fail('a string is not closed');
      if (this.text.startsWith(quote, this.at)) {
        this.at += quote.length;
        return value;
      }
      const c = this.text[this.at++]!;
      if (c === '\\') value += this.escape();
      else if (quote.length === 1 && c === '\n') fail('a line break inside a string');
      else value += c;
    }
  }

  /** A string: one short string, or adjacent long strings joined. */
  private string(): string {
    if (this.text[this.at] === '"') {
      this.at++;
      return this.quoted('"');
    }
    let value = '';
    while (this.skip() && this.text.startsWith("'''", this.at)) {
      this.at += 3;
      value += this.quoted("'''");
    }
    return value;
  }

  /** A symbol, identifier or quoted; undefined when none starts here. */
  private symbol(): string | undefined {
    const c = this.peek();
    if (c === "'" && !this.text.startsWith("'''", this.at)) {
      this.at++;
      return this.quoted("'");
    }
    if (!IDENTIFIER_START.test(c)) return undefined;
    const start = this.at;
    while (this.at < this.text.length && IDENTIFIER_PART.test(this.text[this.at]!)) this.at++;
    return this.text.slice(start, this.at);
  }

  /** The annotations before a value (`a::b::value`). */
  private annotations(): string[] {
    const found: string[] = [];
    for (;;) {
      const start = this.at;
      const symbol = this.symbol();
      if (symbol !== undefined && this.skip() && this.text.startsWith('::', this.at)) {
        this.at += 2;
        found.push(symbol);
        continue;
      }
      this.at = start;
      return found;
    }
  }

  /** One value as an attribute value in DynamoDB JSON (its content validated later, as any written item's). */
  value(depth: number): unknown {
    if (depth > MAX_DEPTH) fail('values are nested too deeply');
    const annotations = this.annotations();
    const c = this.peek();
    const set = annotations.length === 0 ? undefined : SETS[annotations[0]!];
    if (annotations.length > 0 && (set === undefined || annotations.length > 1 || c !== '[')) fail(`the annotation ${annotations.join('::')} has no attribute value`);
    if (c === '{') {
      if (this.text.startsWith('{{', this.at)) return { B: this.blob() };
      return { M: this.struct(depth) };
    }
    if (c === '[') {
      const members = this.list(depth);
      if (set === undefined) return { L: members };
      const tag = set.slice(0, 1);
      return {
        [set]: members.map((member) => {
          const entry = member as Record<string, unknown>;
          if (!Object.hasOwn(entry, tag)) fail(`a ${set} member is not of type ${tag}`);
          return entry[tag];
        }),
      };
    }
    if (c === '"' || this.text.startsWith("'''", this.at)) return { S: this.string() };
    if (c === '(') fail('s-expressions have no attribute value');
    const start = this.at;
    const symbol = this.symbol();
    if (symbol !== undefined) {
      if (symbol === 'true' || symbol === 'false') return { BOOL: symbol === 'true' };
      if (symbol === 'null') {
        // A typed null (null.string, ...) is a null all the same.
        if (this.text[this.at] === '.') {
          this.at++;
          this.symbol();
        }
        return { NULL: true };
      }
      if (symbol === 'nan') fail('floats have no attribute value');
      this.at = start;
      return fail('symbols have no attribute value');
    }
    return { N: this.number() };
  }

  /** An int or a decimal, as number text DynamoDB accepts. */
  private number(): string {
    const start = this.at;
    while (this.at < this.text.length && NUMBER_CHAR.test(this.text[this.at]!)) this.at++;
    const token = this.text.slice(start, this.at);
    if (/^\d{4}-|^\d{4}T/.test(token) || this.text[this.at] === ':') fail('timestamps have no attribute value');
    if (DECIMAL_INT.test(token)) return token.replaceAll('_', '');
    const radix = RADIX_INT.exec(token);
    if (radix !== null) return `${radix[1]}${BigInt(`0${radix[2]!.replaceAll('_', '')}`).toString()}`;
    if (DECIMAL.test(token)) {
      const [mantissa, exponent] = token.replaceAll('_', '').split(/[dD]/) as [string, string | undefined];
      const digits = mantissa.endsWith('.') ? mantissa.slice(0, -1) : mantissa;
      return exponent === undefined ? digits : `${digits}E${exponent}`;
    }
    if (FLOAT.test(token) || token === '+inf' || token === '-inf') fail('floats have no attribute value');
    return fail(`"${token}" is not a value`);
  }

  private blob(): string {
    this.at += 2;
    const end = this.text.indexOf('}}', this.at);
    if (end < 0) fail('a blob is not closed');
    const content = this.text.slice(this.at, end).replace(/\s+/g, '');
    this.at = end + 2;
    if (content.startsWith('"') || content.startsWith("'")) fail('clobs have no attribute value');
    if (content.length % 4 !== 0 || !BASE64.test(content)) fail('a blob is not base64');
    return content;
  }

  private list(depth: number): unknown[] {
    this.expect('[');
    const members: unknown[] = [];
    if (this.peek() === ']') {
      this.at++;
      return members;
    }
    for (;;) {
      members.push(this.value(depth + 1));
      const c = this.peek();
      this.at++;
      if (c === ']') return members;
      if (c !== ',') fail(`expected "," or "]" at offset ${this.at - 1}`);
      if (this.peek() === ']') {
        this.at++;
        return members;
      }
    }
  }

  /** A struct's fields; a name given twice keeps its last value. */
  struct(depth: number): Record<string, unknown> {
    this.expect('{');
    const fields: Record<string, unknown> = {};
    if (this.peek() === '}') {
      this.at++;
      return fields;
    }
    for (;;) {
      const c = this.peek();
      const name = c === '"' || this.text.startsWith("'''", this.at) ? this.string() : this.symbol();
      if (name === undefined) fail(`expected a field name at offset ${this.at}`);
      this.expect(':');
      Object.defineProperty(fields, name, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      const next = this.peek();
      this.at++;
      if (next === '}') return fields;
      if (next !== ',') fail(`expected "," or "}" at offset ${this.at - 1}`);
      if (this.peek() === '}') {
        this.at++;
        return fields;
      }
    }
  }

  /** A top-level value: the version marker `$ion_1_0` is skipped; only a struct may follow. */
  topLevel(): Record<string, unknown> | undefined {
    while (this.skip()) {
      if (this.text.startsWith('$ion_1_0', this.at) && !IDENTIFIER_PART.test(this.text[this.at + 8] ?? ' ')) {
        this.at += 8;
        continue;
      }
      if (this.text[this.at] !== '{' || this.text.startsWith('{{', this.at)) fail('a top-level value is not a struct');
      return this.struct(0);
    }
    return undefined;
  }
}

/**
 * The item of one line of an Ion export, in DynamoDB JSON: the line holds one
 * struct whose `Item` field is a struct. Undefined for a line with no value.
 */
export function ionItem(line: string): Record<string, unknown> | undefined {
  const reader = new Reader(line);
  const top = reader.topLevel();
  if (top === undefined) return undefined;
  if (reader.skip()) fail('more than one value on a line');
  const item = Object.hasOwn(top, 'Item') ? (top.Item as Record<string, unknown>) : undefined;
  if (item === undefined || !Object.hasOwn(item, 'M')) fail('the line has no Item struct');
  return item.M as Record<string, unknown>;
}
