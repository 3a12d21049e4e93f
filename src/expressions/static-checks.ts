/**
 * What an expression's text alone decides, worked out once per parsed (cached,
 * frozen) AST: the first problem DynamoDB finds before it looks at any name or
 * value — a reserved word, an unknown or misplaced function, a list index out
 * of range, a repeated update section — and how many operators it holds.
 *
 * DynamoDB reports the first of these problems in reading order (a function
 * before its arguments), whatever their kind: `name = :v AND f(a)` is refused
 * for `name`, `f(a) AND name = :v` for `f` (DynamoDB Local 3.3.1; the kinds'
 * messages are dynalite's, recorded against DynamoDB).
 */
import type { CallOperand, ConditionNode, Operand, PathOperand, ProjectionAst, UpdateAst } from './ast.js';
import { isConditionFunction, isUpdateFunction } from './functions.js';
import { isReservedWord } from './reserved-words.js';

export interface ExpressionFacts {
  /** The first text-only problem, in DynamoDB's wording without the `Invalid X: ` prefix. */
  readonly problem: string | undefined;
  /** Operators and function calls: DynamoDB refuses more than 300 of them. */
  readonly operators: number;
  /** Every `#name` and `:value` the text uses, once per use: what substitution adds to its size. */
  readonly placeholders: readonly string[];
  /** Every document path in reading order (checked against the key schema by some operations). */
  readonly paths: readonly PathOperand[];
}

const misused = (name: string): string => `The function is not allowed to be used this way in an expression; function: ${name}`;
const invalidFunction = (name: string): string => `Invalid function name; function: ${name}`;

function pathProblem(path: PathOperand): string | undefined {
  for (const element of path.elements) {
    if (element.kind === 'name' && isReservedWord(element.name)) {
      return `Attribute name is a reserved keyword; reserved keyword: ${element.name}`;
    }
    if (element.kind === 'index' && element.text !== undefined) {
      return `List index is not within the allowable range; index: [${element.text}]`;
    }
  }
  return undefined;
}

/** Memoizes `compute` per AST: parsed ASTs are cached and frozen, so each text is examined once. */
function perAst<A extends object, F>(compute: (ast: A) => F): (ast: A) => F {
  const cache = new WeakMap<A, F>();
  return (ast) => {
    let facts = cache.get(ast);
    if (facts === undefined) cache.set(ast, (facts = compute(ast)));
    return facts;
  };
}

/**
 * Collects operators and paths while finding the first problem; stops
 * looking for problems once one is found, but keeps counting.
 */
class Walk {
  problem: string | undefined;
  operators = 0;
  readonly paths: PathOperand[] = [];
  readonly placeholders: string[] = [];

  report(found: string | undefined): void {
    this.problem ??= found;
  }

  path(path: PathOperand): void {
    this.paths.push(path);
    for (const element of path.elements) if (element.kind === 'alias') this.placeholders.push(element.alias);
    this.report(pathProblem(path));
  }

  /**
   * An operand in reading order, a call before its arguments. `whole` marks an
   * operand standing alone: a condition's function, a SET action's value.
   */
  operand(operand: Operand, whole: boolean, callProblem: CallProblem): void {
    if (operand.kind === 'path') this.path(operand);
    if (operand.kind === 'value') this.placeholders.push(operand.name);
    if (operand.kind !== 'call' && operand.kind !== 'arithmetic') return;
    this.operators++;
    if (operand.kind === 'call') this.report(callProblem(operand, whole));
    for (const child of operand.kind === 'call' ? operand.args : [operand.left, operand.right]) this.operand(child, false, callProblem);
  }
}

/** What is wrong with calling a function where it stands, for one kind of expression. */
type CallProblem = (call: CallOperand, whole: boolean) => string | undefined;

// ---------------------------------------------------------------- conditions

/** The comparison functions only make whole conditions, and `size` only operands. */
function conditionCallProblem(call: CallOperand, whole: boolean): string | undefined {
  if (isUpdateFunction(call.name)) return `The function is not allowed in a condition expression; function: ${call.name}`;
  if (!isConditionFunction(call.name)) return invalidFunction(call.name);
  return (call.name === 'size') === whole ? misused(call.name) : undefined;
}

const conditionOperand = (walk: Walk, operand: Operand): void => walk.operand(operand, false, conditionCallProblem);

function conditionNode(walk: Walk, node: ConditionNode): void {
  if (node.kind === 'function') {
    walk.operand(node.call, true, conditionCallProblem);
    return;
  }
  walk.operators++;
  switch (node.kind) {
    case 'and':
    case 'or':
      conditionNode(walk, node.left);
      conditionNode(walk, node.right);
      return;
    case 'not':
      conditionNode(walk, node.operand);
      return;
    case 'compare':
      conditionOperand(walk, node.left);
      conditionOperand(walk, node.right);
      return;
    case 'between':
      for (const operand of [node.subject, node.low, node.high]) conditionOperand(walk, operand);
      return;
    case 'in':
      for (const operand of [node.subject, ...node.list]) conditionOperand(walk, operand);
      return;
  }
}

export const conditionFacts = perAst((root: ConditionNode): ExpressionFacts => {
  const walk = new Walk();
  conditionNode(walk, root);
  return { problem: walk.problem, operators: walk.operators, placeholders: walk.placeholders, paths: walk.paths };
});

// ---------------------------------------------------------------- updates

/**
 * `list_append` may only be a SET action's whole value (parentheses aside):
 * DynamoDB refuses it as an argument or an arithmetic operand, and takes
 * `if_not_exists` anywhere (Alternator's tests against DynamoDB, DynamoDB Local 3.3.1).
 */
function updateCallProblem(call: CallOperand, whole: boolean): string | undefined {
  if (isConditionFunction(call.name)) return `The function is not allowed in an update expression; function: ${call.name}`;
  if (!isUpdateFunction(call.name)) return invalidFunction(call.name);
  return call.name === 'list_append' && !whole ? misused(call.name) : undefined;
}

export const updateFacts = perAst((ast: UpdateAst): ExpressionFacts => {
  const walk = new Walk();
  ast.actions.forEach((action, i) => {
    walk.path(action.path);
    if (action.kind !== 'REMOVE') walk.operand(action.value, true, updateCallProblem);
    const repeated = ast.repeatedSection;
    if (repeated !== undefined && repeated.end === i + 1) {
      walk.report(`The "${repeated.name}" section can only be used once in an update expression;`);
    }
  });
  return { problem: walk.problem, operators: walk.operators, placeholders: walk.placeholders, paths: walk.paths };
});

// ---------------------------------------------------------------- projections

export const projectionFacts = perAst((ast: ProjectionAst): ExpressionFacts => {
  const walk = new Walk();
  for (const path of ast) walk.path(path);
  return { problem: walk.problem, operators: 0, placeholders: walk.placeholders, paths: walk.paths };
});
