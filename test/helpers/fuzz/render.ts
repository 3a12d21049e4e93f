/**
 * Writes generated expressions as text the way a client might: names bare or
 * through #aliases (always for names an expression cannot spell), values as
 * :placeholders, keywords in any case, any amount of whitespace, a pair of
 * parentheses where one is allowed. The text is kept as tokens too, for the
 * mutations.
 */
import { isReservedWord } from '../../../src/expressions/reserved-words.js';
import type { Random } from '../malformed.js';
import type { Comparator, Condition, Operand } from './conditions.js';
import type { Path } from './documents.js';
import type { Value } from './values.js';

export interface Rendered {
  readonly tokens: readonly string[];
  readonly text: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, Value>>;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Whether an expression can name `name` without an alias. */
export const spellable = (name: string): boolean => IDENTIFIER.test(name) && !isReservedWord(name);

export const chance = (random: Random, p: number) => random() < p;

/** Tokens joined by commas. */
export const commaSeparated = (parts: readonly (readonly string[])[]): string[] => parts.flatMap((part, i) => (i > 0 ? [',', ...part] : [...part]));

/**
 * Writes condition trees as tokens; a dialect (expressions, PartiQL) says how
 * it spells names, values and keywords, and may spell a few forms its own way.
 */
export abstract class ConditionWriter {
  constructor(protected readonly random: Random) {}

  abstract keyword(word: string): string;
  abstract path(path: Path): string[];
  /** A value operand. */
  abstract literal(value: Value): string[];

  operand(operand: Operand): string[] {
    switch (operand.kind) {
      case 'path':
        return this.path(operand.path);
      case 'value':
        return this.literal(operand.value);
      case 'size':
        return ['size', '(', ...this.path(operand.path), ')'];
    }
  }

  protected comparator(operator: Comparator): string {
    return operator;
  }

  protected inList(members: string[][]): string[] {
    return ['(', ...commaSeparated(members), ')'];
  }

  protected notExists(path: Path): string[] {
    return ['attribute_not_exists', '(', ...this.path(path), ')'];
  }

  /** The condition, in parentheses when `needsParens` and now and then when not (never two pairs: DynamoDB refuses those). */
  condition(c: Condition, needsParens = false): string[] {
    const tokens = this.conditionTokens(c);
    return needsParens || chance(this.random, 0.15) ? ['(', ...tokens, ')'] : tokens;
  }

  private conditionTokens(c: Condition): string[] {
    switch (c.kind) {
      case 'compare':
        return [...this.operand(c.left), this.comparator(c.operator), ...this.operand(c.right)];
      case 'between':
        return [...this.operand(c.subject), this.keyword('BETWEEN'), ...this.operand(c.low), this.keyword('AND'), ...this.operand(c.high)];
      case 'in':
        return [...this.operand(c.subject), this.keyword('IN'), ...this.inList(c.list.map((o) => this.operand(o)))];
      case 'exists':
        return ['attribute_exists', '(', ...this.path(c.path), ')'];
      case 'not_exists':
        return this.notExists(c.path);
      case 'type':
        return ['attribute_type', '(', ...this.path(c.path), ',', ...this.literal({ S: c.type }), ')'];
      case 'begins_with':
      case 'contains':
        return [c.kind, '(', ...this.path(c.path), ',', ...this.operand(c.operand), ')'];
      case 'not':
        return [this.keyword('NOT'), ...this.condition(c.operand, c.operand.kind === 'and' || c.operand.kind === 'or')];
      case 'and':
      case 'or': {
        // AND binds tighter than OR; a right operand of the same kind keeps its shape in parentheses.
        const left = this.condition(c.left, c.kind === 'and' && c.left.kind === 'or');
        const right = this.condition(c.right, c.right.kind === 'or' || c.right.kind === c.kind);
        return [...left, this.keyword(c.kind.toUpperCase()), ...right];
      }
    }
  }
}

/** The tokens of one or more expressions sharing one set of names and values. */
export class Renderer extends ConditionWriter {
  private readonly aliases = new Map<string, string>();
  private readonly placeholders = new Map<string, string>();
  private readonly valueList: [string, Value][] = [];

  keyword(word: string): string {
    const roll = this.random();
    if (roll < 0.6) return word;
    if (roll < 0.8) return word.toLowerCase();
    return [...word].map((c) => (chance(this.random, 0.5) ? c.toLowerCase() : c)).join('');
  }

  name(name: string): string {
    if (spellable(name) && chance(this.random, 0.7)) return name;
    let alias = this.aliases.get(name);
    if (alias === undefined) this.aliases.set(name, (alias = `#n${this.aliases.size}`));
    return alias;
  }

  path(path: Path): string[] {
    const tokens = [this.name(path[0])];
    for (const step of path.slice(1)) {
      if (typeof step === 'number') tokens.push('[', String(step), ']');
      else tokens.push('.', this.name(step));
    }
    return tokens;
  }

  value(value: Value): string {
    const text = JSON.stringify(value);
    const reused = this.placeholders.get(text);
    if (reused !== undefined && chance(this.random, 0.7)) return reused;
    const placeholder = `:v${this.valueList.length}`;
    this.valueList.push([placeholder, value]);
    this.placeholders.set(text, placeholder);
    return placeholder;
  }

  literal(value: Value): string[] {
    return [this.value(value)];
  }

  /** The tokens as text, with whitespace of any kind where it may go and where it must. */
  text(tokens: readonly string[]): string {
    let text = '';
    tokens.forEach((token, i) => {
      if (i > 0) {
        const wordy = /[A-Za-z0-9_#:]$/.test(text) && /^[A-Za-z0-9_#:]/.test(token);
        const roll = this.random();
        text += roll < 0.05 ? '\n' : roll < 0.1 ? '\t ' : roll < 0.15 ? '   ' : wordy || roll < 0.6 ? ' ' : '';
      }
      text += token;
    });
    return text;
  }

  render(tokens: readonly string[]): Rendered {
    return { tokens, text: this.text(tokens), names: this.names(), values: this.values() };
  }

  names(): Record<string, string> {
    return Object.fromEntries([...this.aliases].map(([name, alias]) => [alias, name]));
  }

  values(): Record<string, Value> {
    return Object.fromEntries(this.valueList);
  }
}

/** A request's ExpressionAttributeNames and ExpressionAttributeValues members, left out when empty. */
export function attributeMaps(names: Readonly<Record<string, string>>, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}
