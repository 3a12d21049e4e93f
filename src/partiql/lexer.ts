/**
 * PartiQL tokens as DynamoDB reads them: bare identifiers and keywords (one
 * token kind: keywords are recognised by the parser, case-insensitively),
 * "quoted identifiers", 'string literals' ('' escapes a quote), numbers,
 * `?` parameters and punctuation, with `<<` / `>>` for set literals.
 */
import { malformed } from './problem.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'parameter' | 'symbol' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

const SYMBOLS = ['<<', '>>', '<=', '>=', '<>', '!=', '=', '<', '>', '*', ',', '.', '[', ']', '(', ')', '{', '}', ':', '+', '-'];
const WORD_START = /[A-Za-z_$]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** Reads a literal closed by `quote`, where a doubled quote stands for one. */
function quoted(text: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) return malformed(`Unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'}`);
    if (text[i] === quote) {
      if (text[i + 1] !== quote) return { value, end: i + 1 };
      i++;
    }
    value += text[i];
    i++;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      const { value, end } = quoted(text, i, c);
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text: value, offset: i });
      i = end;
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < text.length && WORD_PART.test(text[end] as string)) end++;
      tokens.push({ kind: 'word', text: text.slice(i, end), offset: i });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = NUMBER.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: match[0], offset: i });
      i += match[0].length;
    } else if (c === '?') {
      tokens.push({ kind: 'parameter', text: c, offset: i });
      i++;
    } else {
      const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
      if (symbol === undefined) malformed(`Unexpected character: '${c}'`);
      tokens.push({ kind: 'symbol', text: symbol, offset: i });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'end', text: '', offset: text.length });
  return tokens;
}
