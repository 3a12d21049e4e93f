/**
 * Recursive-descent parser for the PartiQL DynamoDB accepts: SELECT, INSERT,
 * UPDATE, DELETE and ExecuteTransaction's EXISTS(SELECT ...). Conditions
 * parse into the expression module's ConditionNode and UPDATE's SET/REMOVE into its UpdateAst; every attribute
 * name is written as an alias and every value as a placeholder, so reserved
 * words of the expression language never get in the way (`SET data = 1`).
 */
import { canonicalNumber } from '../model/numbers.js';
import type { ConditionNode, Comparator, Operand, PathElement, PathOperand, UpdateAction, ValueOperand } from '../expressions/ast.js';
import { deepFreeze } from '../expressions/ast.js';
import { parseStatistics } from '../expressions/parser.js';
import { LruCache } from '../expressions/cache.js';
import { DynamoError } from '../protocol/errors.js';
import type { ProjectedPath, Returning, SelectStatement, Statement, Target, ValueNode } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { checkLiterals } from './literals.js';
import { malformed } from './problem.js';

const COMPARATORS: Readonly<Record<string, Comparator>> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const CONDITION_FUNCTIONS = new Set(['begins_with', 'contains', 'attribute_exists', 'attribute_not_exists', 'attribute_type']);
const VALUE_WORDS = new Set(['TRUE', 'FALSE', 'NULL', 'MISSING']);
const MAX_PARENTHESES = 500;

/** What closes each container literal: `[...]` lists, `<<...>>` sets, `{...}` maps. */
const CLOSING: Readonly<Record<string, string>> = { '[': ']', '<<': '>>', '{': '}' };

/** A container literal being read: its elements (or entries, and the key of the entry being read). */
interface Container {
  readonly open: string;
  readonly close: string;
  readonly elements: ValueNode[];
  readonly entries: [string, ValueNode][];
  key: string;
}

function closed(container: Container): ValueNode {
  if (container.open === '{') return { kind: 'map', entries: container.entries };
  return { kind: container.open === '[' ? 'list' : 'set', elements: container.elements };
}

class Parser {
  private position = 0;
  private readonly names = new Map<string, string>();
  private readonly values: ValueNode[] = [];
  private parameters = 0;
  private parentheses = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  // ------------------------------------------------------------ tokens

  private peek(ahead = 0): Token {
    parseStatistics.steps++;
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.text.toUpperCase() === word;
  }

  private isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'symbol' && token.text === symbol;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.position++;
    return true;
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.position++;
    return true;
  }

  private unexpected(): never {
    const token = this.peek();
    return malformed(token.kind === 'end' ? 'Unexpected end of statement' : `Unexpected token: ${token.text}`);
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.unexpected();
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.unexpected();
  }

  // ------------------------------------------------------------ statements

  statement(): Statement {
    const statement = this.statementBody();
    if (this.peek().kind !== 'end') this.unexpected();
    return statement;
  }

  private statementBody(): Statement {
    if (this.acceptWord('SELECT')) return this.select();
    if (this.acceptWord('INSERT')) return this.insert();
    if (this.acceptWord('UPDATE')) return this.update();
    if (this.acceptWord('DELETE')) return this.delete();
    if (this.acceptWord('EXISTS')) return this.exists();
    return this.unexpected();
  }

  private symbols() {
    return { names: [...this.names.keys()], values: this.values, parameters: this.parameters };
  }

  private select(): SelectStatement {
    let projection: ProjectedPath[] | undefined;
    if (!this.acceptSymbol('*')) {
      projection = [this.projectedPath()];
      while (this.acceptSymbol(',')) projection.push(this.projectedPath());
    }
    this.expectWord('FROM');
    const target = this.target();
    const where = this.acceptWord('WHERE') ? this.condition() : undefined;
    let orderBy: { path: PathOperand; descending: boolean }[] | undefined;
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      orderBy = [];
      do {
        const path = this.path().path;
        const descending = this.acceptWord('DESC');
        if (!descending) this.acceptWord('ASC');
        orderBy.push({ path, descending });
      } while (this.acceptSymbol(','));
    }
    return { kind: 'select', target, projection, where, orderBy, symbols: this.symbols() };
  }

  private exists(): Statement {
    this.expectSymbol('(');
    this.expectWord('SELECT');
    const select = this.select();
    this.expectSymbol(')');
    return { kind: 'exists', target: select.target, select, symbols: select.symbols };
  }

  private insert(): Statement {
    this.expectWord('INTO');
    const target = this.target();
    this.expectWord('VALUE');
    if (!this.isSymbol('{')) this.unexpected();
    const item = this.value();
    return { kind: 'insert', target, item, symbols: this.symbols() };
  }

  private update(): Statement {
    const target = this.target();
    const actions: UpdateAction[] = [];
    for (;;) {
      if (this.acceptWord('SET')) {
        do actions.push(this.assignment()); while (this.acceptSymbol(','));
      } else if (this.acceptWord('REMOVE')) {
        do actions.push({ kind: 'REMOVE', path: this.path().path }); while (this.acceptSymbol(','));
      } else break;
    }
    if (actions.length === 0) this.unexpected();
    const where = this.acceptWord('WHERE') ? this.condition() : undefined;
    const returning = this.returning();
    return { kind: 'update', target, update: { actions }, where, returning, symbols: this.symbols() };
  }

  private delete(): Statement {
    this.expectWord('FROM');
    const target = this.target();
    const where = this.acceptWord('WHERE') ? this.condition() : undefined;
    const returning = this.returning();
    return { kind: 'delete', target, where, returning, symbols: this.symbols() };
  }

  private returning(): Returning | undefined {
    if (!this.acceptWord('RETURNING')) return undefined;
    const scope = this.acceptWord('ALL') ? 'ALL' : this.acceptWord('MODIFIED') ? 'MODIFIED' : this.unexpected();
    const image = this.acceptWord('OLD') ? 'OLD' : this.acceptWord('NEW') ? 'NEW' : this.unexpected();
    this.expectSymbol('*');
    return `${scope} ${image}`;
  }

  private identifier(): string {
    const token = this.peek();
    if (token.kind !== 'word' && token.kind !== 'quoted') this.unexpected();
    this.position++;
    return token.text;
  }

  private target(): Target {
    const table = this.identifier();
    return this.acceptSymbol('.') ? { table, index: this.identifier() } : { table };
  }

  // ------------------------------------------------------------ paths and values

  private alias(name: string): PathElement {
    let alias = this.names.get(name);
    if (alias === undefined) this.names.set(name, (alias = `#n${this.names.size}`));
    return { kind: 'alias', alias };
  }

  private path(): { path: PathOperand; label: string } {
    const head = this.identifier();
    const elements: PathElement[] = [this.alias(head)];
    let label = head;
    for (;;) {
      if (this.acceptSymbol('.')) {
        label = this.identifier();
        elements.push(this.alias(label));
      } else if (this.acceptSymbol('[')) {
        const token = this.next();
        if (token.kind === 'number' && /^\d+$/.test(token.text)) {
          elements.push({ kind: 'index', index: Number(token.text) });
          label += `[${token.text}]`;
        } else if (token.kind === 'string') {
          label = token.text;
          elements.push(this.alias(label));
        } else {
          this.position--;
          this.unexpected();
        }
        this.expectSymbol(']');
      } else break;
    }
    return { path: { kind: 'path', parens: 0, elements }, label };
  }

  private projectedPath(): ProjectedPath {
    return this.path();
  }

  private placeholder(value: ValueNode): ValueOperand {
    this.values.push(value);
    return { kind: 'value', parens: 0, name: `:v${this.values.length - 1}` };
  }

  private startsValue(): boolean {
    const token = this.peek();
    if (token.kind === 'string' || token.kind === 'number' || token.kind === 'parameter') return true;
    if (token.kind === 'symbol') return ['[', '{', '<<', '-'].includes(token.text);
    return token.kind === 'word' && VALUE_WORDS.has(token.text.toUpperCase());
  }

  /** A value that is not a container; undefined when the token opens one (or is no value). */
  private scalar(token: Token): ValueNode | undefined {
    switch (token.kind) {
      case 'string':
        return { kind: 'literal', value: { S: token.text } };
      case 'number':
        return { kind: 'literal', value: { N: canonicalNumber(token.text) }, text: token.text };
      case 'parameter':
        return { kind: 'parameter', index: this.parameters++ };
      case 'word':
        switch (token.text.toUpperCase()) {
          case 'TRUE':
            return { kind: 'literal', value: { BOOL: true } };
          case 'FALSE':
            return { kind: 'literal', value: { BOOL: false } };
          case 'NULL':
            return { kind: 'literal', value: { NULL: true } };
          case 'MISSING':
            return { kind: 'missing' };
        }
        return undefined;
      case 'symbol': {
        if (token.text !== '-') return undefined;
        const number = this.next();
        if (number.kind !== 'number') return undefined;
        const text = `-${number.text}`;
        return { kind: 'literal', value: { N: canonicalNumber(text) }, text };
      }
      default:
        return undefined;
    }
  }

  /** The key and colon of a map entry. */
  private mapKey(): string {
    const key = this.next();
    if (key.kind !== 'string') {
      this.position--;
      this.unexpected();
    }
    this.expectSymbol(':');
    return key.text;
  }

  /**
   * One value, containers included. Iterative, with its own stack of open
   * containers, so a literal nested thousands of levels deep is read (and
   * then refused by the literal checks) without exhausting the call stack.
   */
  private value(): ValueNode {
    const open: Container[] = [];
    for (;;) {
      const token = this.next();
      let node: ValueNode | undefined;
      const close = token.kind === 'symbol' ? CLOSING[token.text] : undefined;
      if (close !== undefined) {
        const container: Container = { open: token.text, close, elements: [], entries: [], key: '' };
        if (!this.acceptSymbol(close)) {
          if (close === '}') container.key = this.mapKey();
          open.push(container);
          continue;
        }
        node = closed(container);
      } else {
        node = this.scalar(token);
        if (node === undefined) {
          this.position--;
          return this.unexpected();
        }
      }
      // Hand the value to the containers it completes, innermost first.
      for (;;) {
        const container = open.at(-1);
        if (container === undefined) return node;
        if (container.close === '}') container.entries.push([container.key, node]);
        else container.elements.push(node);
        if (this.acceptSymbol(',')) {
          if (container.close === '}') container.key = this.mapKey();
          break;
        }
        this.expectSymbol(container.close);
        open.pop();
        node = closed(container);
      }
    }
  }

  // ------------------------------------------------------------ conditions

  private condition(): ConditionNode {
    let left = this.conjunction();
    while (this.acceptWord('OR')) left = { kind: 'or', parens: 0, left, right: this.conjunction() };
    return left;
  }

  private conjunction(): ConditionNode {
    let left = this.negation();
    while (this.acceptWord('AND')) left = { kind: 'and', parens: 0, left, right: this.negation() };
    return left;
  }

  private negation(): ConditionNode {
    if (this.acceptWord('NOT')) return { kind: 'not', parens: 0, operand: this.negation() };
    return this.predicate();
  }

  private call(name: string): Operand {
    this.position += 2;
    const args: Operand[] = [];
    if (!this.acceptSymbol(')')) {
      do args.push(this.operand()); while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'call', parens: 0, name, args };
  }

  private functionName(): string | undefined {
    const token = this.peek();
    return token.kind === 'word' && this.isSymbol('(', 1) ? token.text.toLowerCase() : undefined;
  }

  private predicate(): ConditionNode {
    if (this.acceptSymbol('(')) {
      // No response of DynamoDB to thousands of nested parentheses was found
      // (DynamoDB Local 3.3.1 overflows its stack at a thousand); refusing them
      // keeps this recursive descent within its stack.
      if (++this.parentheses > MAX_PARENTHESES) return malformed('Too many nested parentheses');
      const inner = this.condition();
      this.expectSymbol(')');
      this.parentheses--;
      return inner;
    }
    const name = this.functionName();
    if (name !== undefined && CONDITION_FUNCTIONS.has(name)) {
      return { kind: 'function', parens: 0, call: this.call(name) as Extract<Operand, { kind: 'call' }> };
    }
    const subject = this.operand();
    const comparator = this.peek().kind === 'symbol' ? COMPARATORS[this.peek().text] : undefined;
    if (comparator !== undefined) {
      this.position++;
      return { kind: 'compare', parens: 0, operator: comparator, left: subject, right: this.operand() };
    }
    if (this.acceptWord('BETWEEN')) {
      const low = this.operand();
      this.expectWord('AND');
      return { kind: 'between', parens: 0, subject, low, high: this.operand() };
    }
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('IN')) {
      const close = this.acceptSymbol('[') ? ']' : (this.expectSymbol('('), ')');
      const list: Operand[] = [];
      do list.push(this.operand()); while (this.acceptSymbol(','));
      this.expectSymbol(close);
      const node: ConditionNode = { kind: 'in', parens: 0, subject, list };
      return negated ? { kind: 'not', parens: 0, operand: node } : node;
    }
    if (!negated && this.acceptWord('IS')) return this.isPredicate(subject);
    return this.unexpected();
  }

  /** `IS [NOT] MISSING` is attribute_(not_)exists; `IS [NOT] NULL` tests for the NULL type. */
  private isPredicate(subject: Operand): ConditionNode {
    const negated = this.acceptWord('NOT');
    let node: ConditionNode;
    if (this.acceptWord('MISSING')) {
      node = { kind: 'function', parens: 0, call: { kind: 'call', parens: 0, name: 'attribute_not_exists', args: [subject] } };
    } else if (this.acceptWord('NULL')) {
      const type = this.placeholder({ kind: 'literal', value: { S: 'NULL' } });
      node = { kind: 'function', parens: 0, call: { kind: 'call', parens: 0, name: 'attribute_type', args: [subject, type] } };
    } else return this.unexpected();
    return negated ? { kind: 'not', parens: 0, operand: node } : node;
  }

  private operand(): Operand {
    if (this.functionName() === 'size') return this.call('size');
    if (this.startsValue()) return this.placeholder(this.value());
    return this.path().path;
  }

  // ------------------------------------------------------------ UPDATE's SET

  private assignment(): UpdateAction {
    const path = this.path().path;
    this.expectSymbol('=');
    const name = this.functionName();
    if (name === 'set_add' || name === 'set_delete') {
      const call = this.call(name) as Extract<Operand, { kind: 'call' }>;
      const value = call.args[1];
      if (call.args.length !== 2 || value?.kind !== 'value') return malformed(`Invalid arguments to ${name}`);
      return { kind: name === 'set_add' ? 'ADD' : 'DELETE', path, value };
    }
    const left = this.setTerm();
    if (this.isSymbol('+') || this.isSymbol('-')) {
      const operator = this.next().text as '+' | '-';
      return { kind: 'SET', path, value: { kind: 'arithmetic', parens: 0, operator, left, right: this.setTerm() } };
    }
    return { kind: 'SET', path, value: left };
  }

  private setTerm(): Operand {
    const name = this.functionName();
    if (name === 'list_append' || name === 'if_not_exists') return this.call(name);
    return this.operand();
  }
}

const cache = new LruCache<Statement | DynamoError>(1000);

/** Parses (or answers from the cache) one statement; throws DynamoDB's ValidationException when malformed. */
export function parseStatement(text: string): Statement {
  let outcome = cache.get(text);
  if (outcome === undefined) {
    try {
      const statement = new Parser(tokenize(text)).statement();
      checkLiterals(statement);
      outcome = deepFreeze(statement);
    } catch (error) {
      if (!(error instanceof DynamoError)) throw error;
      outcome = error;
    }
    cache.set(text, outcome);
  }
  if (outcome instanceof DynamoError) throw outcome;
  return outcome;
}

