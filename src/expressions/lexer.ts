/**
 * Splits an expression into tokens. Every character that starts no known
 * token becomes a one-character `unknown` token, so the parser reports it the
 * way DynamoDB does (`token: "!"`).
 */

export type TokenKind =
  | 'identifier' // a bare name or keyword: letters, digits, `_`
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

const isWordChar = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
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
    if (c === '#' || c === ':') {
      i++;
      while (i < text.length && isWordChar(text[i] as string)) i++;
      kind = c === '#' ? 'name' : 'value';
    } else if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9]/.test(text[i] as string)) i++;
      kind = 'number';
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && isWordChar(text[i] as string)) i++;
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
