/**
 * Parsers for condition, projection and update expressions: DynamoDB's
 * grammar as an ordered-choice (PEG) grammar. On failure the error names the
 * furthest token any alternative could not accept, which is the token
 * DynamoDB reports.
 *
 * The parse is linear in the text and its depth lives on the heap, not the
 * call stack: AND, OR, NOT and parenthesized conditions are read by a loop
 * with an explicit stack of open parentheses, and a run of opening
 * parentheses is resolved at once. Ordered choice tries, at each `(`, the
 * reading as a parenthesized operand (`(a) = b`) before the reading as a
 * parenthesized condition; the operand inside the run is read once and both
 * readings are decided from it (see `parenthesizedRun`), where trying them
 * level by level cost time quadratic in the nesting and a frame per level.
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

/** Tokens looked at by the parsers of this process (PartiQL's too): lets tests show parsing is linear. */
export const parseStatistics = { steps: 0 };

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
    parseStatistics.steps++;
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  fail(): never {
    this.note(this.pos);
    throw FAIL;
  }

  /** Records a failure at `at` of a reading the parse does not pursue. */
  note(at: number): void {
    if (at > this.furthest) this.furthest = at;
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

  /**
   * A value, call or path, read with an explicit stack of the calls open
   * around it, so calls nested thousands deep take no call stack. A name
   * followed by `(` is always read as a call: were the call to fail, the
   * path its name makes would be followed by `(`, which nothing accepts, and
   * the call's own failure is further on.
   */
  bareOperand(): Operand {
    const calls: { readonly name: string; readonly args: Operand[]; readonly opened: number }[] = [];
    // The parentheses opened around the operand being read (none around the outermost).
    let opened = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'identifier' && !this.keywords.has(token.text.toUpperCase()) && this.isPunctuation('(', 1)) {
        calls.push({ name: token.text, args: [], opened });
        this.pos += 2;
        opened = this.openingRun();
        continue;
      }
      let node: Operand = token.kind === 'value' ? this.value() : this.path();
      // Hand the operand to the calls it completes, innermost first.
      for (;;) {
        node = this.closing(node, opened);
        const call = calls.pop();
        if (call === undefined) return node;
        call.args.push(node);
        if (this.isPunctuation(',')) {
          this.pos++;
          calls.push(call);
          opened = this.openingRun();
          break;
        }
        this.punctuation(')');
        node = { kind: 'call', name: call.name, args: call.args, parens: 0 } satisfies CallOperand;
        opened = call.opened;
      }
    }
  }

  /** An operand with the parentheses around it: `(x)`; `((x))` is refused when its outer one closes. */
  operand(): Operand {
    const opened = this.openingRun();
    return this.closing(this.bareOperand(), opened);
  }

  /** Closes the parentheses opened around an operand: the second, were there one, is refused. */
  closing(node: Operand, opened: number): Operand {
    for (let closed = 0; closed < Math.min(opened, 2); closed++) {
      this.punctuation(')');
      node = withParens(node);
    }
    return node;
  }

  /**
   * A run of `opened` (at least one) opening parentheses, where an operand or
   * something larger may be parenthesized, with the bare operand inside them
   * read: what the readings of the run as parenthesized operands do.
   * Ordered choice tries them outermost first: with two or more parentheses
   * left, the reading fails where a `)` is missing after the operand, or is
   * refused at `((x))`; every such reading fails at the same place. Answers
   * the reading with one parenthesis, `(x)`, when the operand is followed by
   * `)`.
   */
  parenthesizedRun(opened: number, inner: Operand): Operand | undefined {
    const end = this.pos;
    const closing = this.isPunctuation(')');
    if (opened >= 2) {
      if (!closing) this.note(end);
      else if (!this.isPunctuation(')', 1)) this.note(end + 1);
      else return withParens(withParens(inner));
    }
    if (!closing) {
      this.note(end);
      return undefined;
    }
    this.pos++;
    return withParens(inner);
  }

  /** Counts the opening parentheses at the position, moving past them. */
  openingRun(): number {
    let opened = 0;
    for (; this.isPunctuation('('); this.pos++) opened++;
    return opened;
  }

  // ---- conditions -----------------------------------------------------------

  /**
   * `condition := conjunction (OR conjunction)*`, `conjunction := negation
   * (AND negation)*`, `negation := NOT negation | predicate | ( condition )`,
   * read with an explicit stack of the conditions open inside parentheses.
   */
  condition(): ConditionNode {
    const frames: Frame[] = [{ parenthesized: false, or: undefined, and: undefined, nots: 0 }];
    for (;;) {
      for (; this.isKeyword('NOT'); this.pos++) frames[frames.length - 1]!.nots++;
      let node = this.negated(frames);
      if (node === undefined) continue;
      // Fold the node into the conditions it completes, closing parentheses as they come.
      let frame = frames[frames.length - 1]!;
      for (;;) {
        for (; frame.nots > 0; frame.nots--) node = { kind: 'not', operand: node, parens: 0 };
        frame.and = frame.and === undefined ? node : { kind: 'and', left: frame.and, right: node, parens: 0 };
        if (this.isKeyword('AND')) break;
        frame.or = frame.or === undefined ? frame.and : { kind: 'or', left: frame.or, right: frame.and, parens: 0 };
        frame.and = undefined;
        if (this.isKeyword('OR')) break;
        if (!frame.parenthesized) return frame.or;
        this.punctuation(')');
        node = withParens(frame.or);
        frames.pop();
        frame = frames[frames.length - 1]!;
      }
      this.pos++;
    }
  }

  /**
   * What follows the NOTs of a negation: a predicate, answered, or opening
   * parentheses of conditions, pushed as frames (undefined is answered).
   */
  negated(frames: Frame[]): ConditionNode | undefined {
    if (!this.isPunctuation('(')) return this.predicate(this.bareOperand());
    const start = this.pos;
    const opened = this.openingRun();
    const inner = this.attempt(() => this.bareOperand());
    if (inner !== undefined) {
      const end = this.pos;
      const subject = this.parenthesizedRun(opened, inner);
      // The last parenthesis as an operand's, `(x) = y`, before as a condition's.
      const node = subject && this.attempt(() => this.predicate(subject));
      if (node !== undefined) {
        pushFrames(frames, opened - 1);
        return node;
      }
      pushFrames(frames, opened);
      this.pos = end;
      return this.predicate(inner);
    }
    pushFrames(frames, opened);
    this.pos = start + opened;
    return undefined;
  }

  predicate(subject: Operand): ConditionNode {
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

  /**
   * `a + b`, `(a) + (b)` and `(a + b)`, but not `(a + b) + c`: `setValue :=
   * arithmetic | ( setValue )`, the parentheses of a run taken as an
   * operand's first, then as the whole value's.
   */
  setValue(): Operand {
    if (!this.isPunctuation('(')) return this.arithmetic(this.bareOperand());
    const opened = this.openingRun();
    const inner = this.bareOperand();
    const end = this.pos;
    const left = this.parenthesizedRun(opened, inner);
    let node = left && this.attempt(() => this.arithmetic(left));
    let around = opened - 1;
    if (node === undefined) {
      this.pos = end;
      node = this.arithmetic(inner);
      around = opened;
    }
    for (; around > 0; around--) {
      this.punctuation(')');
      node = withParens(node);
    }
    return node;
  }

  arithmetic(left: Operand): Operand {
    if (this.isPunctuation('+') || this.isPunctuation('-')) {
      const operator = this.peek().text as '+' | '-';
      this.pos++;
      return { kind: 'arithmetic', operator, left, right: this.operand(), parens: 0 };
    }
    return left;
  }
}

/** A condition being read: the whole expression, or one inside parentheses. */
interface Frame {
  readonly parenthesized: boolean;
  /** The disjunction so far, the left side of the next OR. */
  or: ConditionNode | undefined;
  /** The conjunction so far, the left side of the next AND. */
  and: ConditionNode | undefined;
  /** NOTs read before the negation being read. */
  nots: number;
}

function pushFrames(frames: Frame[], count: number): void {
  for (let i = 0; i < count; i++) frames.push({ parenthesized: true, or: undefined, and: undefined, nots: 0 });
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
