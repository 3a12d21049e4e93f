/**
 * Splits an expression into tokens. Every character that starts no known
 * token becomes a one-character `unknown` token, so the parser reports it the
 * way DynamoDB does (`token: "!"`). Names start with a letter (`_a` is a
 * syntax error at `_`), `#` and `:` need at least one name character after
 * them, and a list index is `0` or digits without a leading zero (`a[007]`
 * fails at the second `0`), as DynamoDB Local 3.3.1 and Alternator's
 * AWS-checked grammar tokenize them.
 */

export type TokenKind =
  | 'identifier' // a bare name or keyword: a letter, then letters, digits, `_`
  | 'name' // `#alias`
  | 'value' // `:placeholder`
  | 'number' // digits, only meaningful inside `[...]`
  | 'punctuation'
  | 'unknown'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const PUNCTUATION = ['<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-'];

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if ((c === '#' || c === ':') && isWordChar(text[i + 1])) {
      i++;
      while (isWordChar(text[i])) i++;
      kind = c === '#' ? 'name' : 'value';
    } else if (/[0-9]/.test(c)) {
      i++;
      if (c !== '0') while (i < text.length && /[0-9]/.test(text[i] as string)) i++;
      kind = 'number';
    } else if (/[A-Za-z]/.test(c)) {
      while (isWordChar(text[i])) i++;
      kind = 'identifier';
    } else {
      const symbol = PUNCTUATION.find((p) => text.startsWith(p, i));
      i += symbol ? symbol.length : 1;
      kind = symbol ? 'punctuation' : 'unknown';
    }
    tokens.push({ kind, text: text.slice(start, i), start, end: i });
  }
  tokens.push({ kind: 'eof', text: '<EOF>', start: text.length, end: text.length });
  return tokens;
}
