/**
 * Recursive-descent parsers for condition, projection and update expressions.
 * Alternatives are tried in order with backtracking; on failure the error
 * names the furthest token any alternative could not accept, which is the
 * token DynamoDB reports.
 *
 * Doubled parentheses are refused as soon as the outer one closes, so
 * `((a = :v)) AND` reports the redundant parentheses rather than the syntax
 * error after them (DynamoDB Local 3.3.1; every alternative that closes
 * `((x))` has parsed the same text, so backtracking cannot make this wrong).
 */
import type {
  CallOperand,
  Comparator,
  ConditionNode,
  Operand,
  PathElement,
  PathOperand,
  ProjectionAst,
  UpdateAction,
  UpdateAst,
  UpdateSectionName,
  ValueOperand,
} from './ast.js';
import { deepFreeze } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { ExpressionProblem, problem } from './problem.js';

// DynamoDB's grammar shares one lexer: these words are never attribute names,
// in any kind of expression (checked against DynamoDB Local).
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE']);
const UPDATE_KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE']);
const COMPARATORS: readonly string[] = ['=', '<>', '<', '<=', '>', '>='];

/** Thrown inside the parser only; alternatives catch it to backtrack. */
const FAIL = Symbol('parse failure');

/** The largest list index DynamoDB accepts (a Java int); larger ones are a semantic error. */
const MAX_LIST_INDEX = 2147483647;

function withParens<T extends { readonly parens: number }>(node: T): T {
  if (node.parens > 0) problem('The expression has redundant parentheses;');
  return { ...node, parens: node.parens + 1 };
}

class Parser {
  private pos = 0;
  private furthest = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly text: string,
    private readonly keywords: ReadonlySet<string>,
  ) {
    this.tokens = tokenize(text);
  }

  run<T>(rule: () => T): T {
    const result = this.attempt(() => {
      const value = rule();
      if (this.peek().kind !== 'eof') this.fail();
      return value;
    });
    if (result === undefined) throw this.syntaxError();
    return deepFreeze(result);
  }

  // ---- primitives -------------------------------------------------------

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  fail(): never {
    if (this.pos > this.furthest) this.furthest = this.pos;
    throw FAIL;
  }

  attempt<T>(rule: () => T): T | undefined {
    const saved = this.pos;
    try {
      return rule();
    } catch (error) {
      if (error !== FAIL) throw error;
      this.pos = saved;
      return undefined;
    }
  }

  isPunctuation(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'punctuation' && token.text === text;
  }

  punctuation(text: string): void {
    if (!this.isPunctuation(text)) this.fail();
    this.pos++;
  }

  isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'identifier' && token.text.toUpperCase() === word;
  }

  keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail();
    this.pos++;
  }

  take(kind: Token['kind']): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail();
    this.pos++;
    return token;
  }

  list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.isPunctuation(',')) {
      this.pos++;
      items.push(item());
    }
    return items;
  }

  private syntaxError(): ExpressionProblem {
    const at = this.furthest;
    const offending = this.tokens[at] as Token;
    // DynamoDB quotes the source from the token before the offending one to
    // the token after it (the <EOF> token ends where the text ends).
    const first = this.tokens[Math.max(0, at - 1)] as Token;
    const last = this.tokens[Math.min(at + 1, this.tokens.length - 1)] as Token;
    const near = this.text.slice(first.start, last.end);
    return new ExpressionProblem(`Syntax error; token: "${offending.text}", near: "${near}"`);
  }

  // ---- shared operands ----------------------------------------------------

  pathElementName(): PathElement {
    const token = this.peek();
    if (token.kind === 'name') {
      this.pos++;
      return { kind: 'alias', alias: token.text };
    }
    if (token.kind === 'identifier' && !this.keywords.has(token.text.toUpperCase())) {
      this.pos++;
      return { kind: 'name', name: token.text };
    }
    return this.fail();
  }

  path(): PathOperand {
    const elements: PathElement[] = [this.pathElementName()];
    for (;;) {
      if (this.isPunctuation('.')) {
        this.pos++;
        elements.push(this.pathElementName());
      } else if (this.isPunctuation('[')) {
        this.pos++;
        const { text } = this.take('number');
        this.punctuation(']');
        const index = Number(text);
        elements.push(index > MAX_LIST_INDEX ? { kind: 'index', index, text } : { kind: 'index', index });
      } else {
        return { kind: 'path', elements, parens: 0 };
      }
    }
  }

  value(): ValueOperand {
    return { kind: 'value', name: this.take('value').text, parens: 0 };
  }

  call(): CallOperand {
    const name = this.peek();
    if (name.kind !== 'identifier' || this.keywords.has(name.text.toUpperCase()) || !this.isPunctuation('(', 1)) {
      this.fail();
    }
    this.pos += 2;
    const args = this.list(() => this.operand());
    this.punctuation(')');
    return { kind: 'call', name: name.text, args, parens: 0 };
  }

  operand(): Operand {
    if (this.isPunctuation('(')) {
      this.pos++;
      const inner = this.operand();
      this.punctuation(')');
      return withParens(inner);
    }
    if (this.peek().kind === 'value') return this.value();
    return this.attempt(() => this.call()) ?? this.path();
  }

  // ---- conditions -----------------------------------------------------------

  condition(): ConditionNode {
    let node = this.conjunction();
    while (this.isKeyword('OR')) {
      this.pos++;
      node = { kind: 'or', left: node, right: this.conjunction(), parens: 0 };
    }
    return node;
  }

  conjunction(): ConditionNode {
    let node = this.negation();
    while (this.isKeyword('AND')) {
      this.pos++;
      node = { kind: 'and', left: node, right: this.negation(), parens: 0 };
    }
    return node;
  }

  negation(): ConditionNode {
    if (this.isKeyword('NOT')) {
      this.pos++;
      return { kind: 'not', operand: this.negation(), parens: 0 };
    }
    return this.attempt(() => this.predicate()) ?? this.parenthesizedCondition();
  }

  parenthesizedCondition(): ConditionNode {
    this.punctuation('(');
    const inner = this.condition();
    this.punctuation(')');
    return withParens(inner);
  }

  predicate(): ConditionNode {
    const subject = this.operand();
    const token = this.peek();
    if (token.kind === 'punctuation' && COMPARATORS.includes(token.text)) {
      this.pos++;
      return { kind: 'compare', operator: token.text as Comparator, left: subject, right: this.operand(), parens: 0 };
    }
    if (this.isKeyword('BETWEEN')) {
      this.pos++;
      const low = this.operand();
      this.keyword('AND');
      return { kind: 'between', subject, low, high: this.operand(), parens: 0 };
    }
    if (this.isKeyword('IN')) {
      this.pos++;
      this.punctuation('(');
      const list = this.list(() => this.operand());
      this.punctuation(')');
      return { kind: 'in', subject, list, parens: 0 };
    }
    // A bare function call is a condition on its own only when unparenthesized;
    // `(f(x))` is a parenthesized condition, parsed by the caller's other branch.
    if (subject.kind === 'call' && subject.parens === 0) return { kind: 'function', call: subject, parens: 0 };
    return this.fail();
  }

  // ---- updates --------------------------------------------------------------

  update(): UpdateAst {
    const seen = new Set<UpdateSectionName>();
    const actions: UpdateAction[] = [];
    let repeatedSection: UpdateAst['repeatedSection'];
    do {
      const section = this.peek().text.toUpperCase() as UpdateSectionName;
      if (this.peek().kind !== 'identifier' || !UPDATE_KEYWORDS.has(section)) this.fail();
      this.pos++;
      actions.push(...this.list(() => this.updateAction(section)));
      if (seen.has(section)) repeatedSection ??= { name: section, end: actions.length };
      seen.add(section);
    } while (this.peek().kind !== 'eof');
    return repeatedSection === undefined ? { actions } : { actions, repeatedSection };
  }

  updateAction(section: UpdateSectionName): UpdateAction {
    const path = this.path();
    switch (section) {
      case 'SET':
        this.punctuation('=');
        return { kind: 'SET', path, value: this.setValue() };
      case 'REMOVE':
        return { kind: 'REMOVE', path };
      case 'ADD':
      case 'DELETE':
        return { kind: section, path, value: this.value() };
    }
  }

  /** `a + b`, `(a) + (b)` and `(a + b)`, but not `(a + b) + c`. */
  setValue(): Operand {
    return (
      this.attempt(() => this.arithmetic()) ??
      (() => {
        this.punctuation('(');
        const inner = this.setValue();
        this.punctuation(')');
        return withParens(inner);
      })()
    );
  }

  arithmetic(): Operand {
    const left = this.operand();
    if (this.isPunctuation('+') || this.isPunctuation('-')) {
      const operator = this.peek().text as '+' | '-';
      this.pos++;
      return { kind: 'arithmetic', operator, left, right: this.operand(), parens: 0 };
    }
    return left;
  }
}

export function parseCondition(text: string): ConditionNode {
  const parser = new Parser(text, KEYWORDS);
  return parser.run(() => parser.condition());
}

export function parseProjection(text: string): ProjectionAst {
  const parser = new Parser(text, KEYWORDS);
  return parser.run(() => parser.list(() => parser.path()));
}

export function parseUpdate(text: string): UpdateAst {
  const parser = new Parser(text, KEYWORDS);
  return parser.run(() => parser.update());
}
