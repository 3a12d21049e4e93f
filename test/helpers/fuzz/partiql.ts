/**
 * PartiQL statements generated from the grammar DynamoDB accepts (SELECT,
 * INSERT, UPDATE, DELETE; see src/partiql/parser.ts and the Developer Guide's
 * PartiQL reference): conditions are the condition generator's trees written
 * in PartiQL, values written as literals ('' escaping a quote, <<sets>>,
 * [lists], {maps}) or passed as `?` parameters (always for binaries, which
 * have no literal).
 */
import fc from 'fast-check';
import { prng } from '../random.js';
import type { Comparator, Condition } from './conditions.js';
import type { Path } from './documents.js';
import { chance, commaSeparated, ConditionWriter } from './render.js';
import type { Value } from './values.js';

export interface Statement {
  readonly tokens: readonly string[];
  readonly text: string;
  readonly parameters: readonly Value[];
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Words the statement grammar reads itself; an attribute so named is quoted.
const WORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'IS', 'BETWEEN', 'MISSING', 'NULL', 'TRUE', 'FALSE', 'SET', 'REMOVE', 'VALUE', 'INTO', 'ORDER', 'BY', 'SIZE', 'NAME']);

export class PartiqlWriter extends ConditionWriter {
  readonly parameters: Value[] = [];

  keyword(word: string): string {
    return chance(this.random, 0.7) ? word : chance(this.random, 0.5) ? word.toLowerCase() : `${word[0]}${word.slice(1).toLowerCase()}`;
  }

  identifier(name: string): string {
    return PLAIN.test(name) && !WORDS.has(name.toUpperCase()) && chance(this.random, 0.7) ? name : `"${name.replaceAll('"', '""')}"`;
  }

  path(path: Path): string[] {
    const tokens = [this.identifier(path[0])];
    for (const step of path.slice(1)) {
      if (typeof step === 'number') tokens.push('[', String(step), ']');
      else if (chance(this.random, 0.2)) tokens.push('[', this.string(step), ']');
      else tokens.push('.', this.identifier(step));
    }
    return tokens;
  }

  string(text: string): string {
    return `'${text.replaceAll("'", "''")}'`;
  }

  parameter(value: Value): string {
    this.parameters.push(value);
    return '?';
  }

  /** A value as a literal where PartiQL has one (and the dice allow), else as a parameter. */
  literal(value: Value): string[] {
    if (chance(this.random, 0.2) || 'B' in value || 'BS' in value) return [this.parameter(value)];
    if ('S' in value) return [this.string(value.S)];
    if ('N' in value) return value.N.startsWith('-') ? ['-', value.N.slice(1)] : [value.N];
    if ('BOOL' in value) return [this.keyword(value.BOOL ? 'TRUE' : 'FALSE')];
    if ('NULL' in value) return [this.keyword('NULL')];
    if ('L' in value) return ['[', ...commaSeparated(value.L.map((v) => this.literal(v))), ']'];
    if ('M' in value) return this.mapLiteral(value.M);
    if ('SS' in value) return ['<<', ...commaSeparated(value.SS.map((s) => [this.string(s)])), '>>'];
    return ['<<', ...commaSeparated(value.NS.map((n) => (n.startsWith('-') ? ['-', n.slice(1)] : [n]))), '>>'];
  }

  /** A map literal (never a parameter: INSERT's VALUE must be one). */
  mapLiteral(item: Readonly<Record<string, Value>>): string[] {
    return ['{', ...Object.entries(item).flatMap(([k, v], i) => [...(i > 0 ? [','] : []), this.string(k), ':', ...this.literal(v)]), '}'];
  }

  protected override comparator(operator: Comparator): string {
    return operator === '<>' && chance(this.random, 0.5) ? '!=' : operator;
  }

  protected override inList(members: string[][]): string[] {
    return chance(this.random, 0.5) ? super.inList(members) : ['[', ...commaSeparated(members), ']'];
  }

  protected override notExists(path: Path): string[] {
    return chance(this.random, 0.5) ? [...this.path(path), this.keyword('IS'), this.keyword('MISSING')] : super.notExists(path);
  }

  statement(tokens: readonly string[]): Statement {
    let text = '';
    tokens.forEach((token, i) => {
      if (i > 0) text += chance(this.random, 0.1) ? '\n  ' : /[\w"'?]$/.test(text) && /^[\w"'?-]/.test(token) ? ' ' : chance(this.random, 0.5) ? ' ' : '';
      text += token;
    });
    return { tokens, text, parameters: [...this.parameters] };
  }
}

export const table = (name: string) => `"${name}"`;

/** `SELECT * FROM table WHERE condition`. */
export function select(writer: PartiqlWriter, tableName: string, where: Condition): Statement {
  return writer.statement([writer.keyword('SELECT'), '*', writer.keyword('FROM'), table(tableName), writer.keyword('WHERE'), ...writer.condition(where)]);
}

/** `INSERT INTO table VALUE {item}`. */
export function insert(writer: PartiqlWriter, tableName: string, item: Readonly<Record<string, Value>>): Statement {
  return writer.statement([writer.keyword('INSERT'), writer.keyword('INTO'), table(tableName), writer.keyword('VALUE'), ...writer.mapLiteral(item)]);
}

/** Any statement of the four kinds over `tableName`, as tokens, for mutation. */
export function anyStatement(tableName: string, where: fc.Arbitrary<Condition>, item: fc.Arbitrary<Record<string, Value>>, paths: fc.Arbitrary<Path[]>, value: fc.Arbitrary<Value>): fc.Arbitrary<Statement> {
  return fc.tuple(fc.nat(3), where, item, paths, value, fc.integer(), fc.boolean()).map(([kind, c, attributes, projected, assigned, style, returning]) => {
    const writer = new PartiqlWriter(prng(style));
    const w = () => [writer.keyword('WHERE'), ...writer.condition(c)];
    const back = returning ? [writer.keyword('RETURNING'), writer.keyword('ALL'), writer.keyword('OLD'), '*'] : [];
    switch (kind) {
      case 0:
        return writer.statement([writer.keyword('SELECT'), ...projected.flatMap((p, i) => (i > 0 ? [',', ...writer.path(p)] : writer.path(p))), writer.keyword('FROM'), table(tableName), ...w()]);
      case 1:
        return insert(writer, tableName, { ...attributes, pk: { S: 'k' } });
      case 2:
        return writer.statement([writer.keyword('UPDATE'), table(tableName), writer.keyword('SET'), ...writer.path(projected[0]!), '=', ...writer.literal(assigned), writer.keyword('WHERE'), 'pk', '=', "'k'", writer.keyword('AND'), ...writer.condition(c, true), ...back]);
      default:
        return writer.statement([writer.keyword('DELETE'), writer.keyword('FROM'), table(tableName), writer.keyword('WHERE'), 'pk', '=', "'k'", ...back]);
    }
  });
}
