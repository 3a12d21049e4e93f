/**
 * Binds a parsed condition (ConditionExpression / FilterExpression) to one
 * request's names and values, making DynamoDB's semantic checks in DynamoDB's
 * order, and compiles it into a predicate over items.
 */
import type { AttributeValue, Item, TypeTag } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import type { CallOperand, ConditionNode, Operand } from './ast.js';
import type { AttributeMaps } from './attribute-maps.js';
import { compareValues, setHas, valuesEqual } from './compare.js';
import { formatPath, samePath, valueAt, type DocumentPath } from './document-path.js';
import { CONDITION_FUNCTIONS as ARITY } from './functions.js';
import { arityProblem, OperatorBudget, operandTypeProblem, requiresPathProblem, Resolver } from './operands.js';
import { problem } from './problem.js';
import { conditionFacts } from './static-checks.js';

export type Predicate = (item: Item | undefined) => boolean;
type Getter = (item: Item | undefined) => AttributeValue | undefined;

const RESULT_TYPES: Readonly<Record<string, TypeTag>> = { size: 'N' };
const TYPE_NAMES: readonly string[] = ['S', 'N', 'B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'NS', 'M'];
export const MAX_IN_OPERANDS = 100;

// ---------------------------------------------------------------- checks

/**
 * A first operand that is also one of the others: `a = a`, `contains(a, a)`,
 * and for BETWEEN and IN any bound or list member (`a IN (b, a)`; DynamoDB
 * Local 3.3.1, whose message says "the remaining operands").
 */
function distinctProblem(operator: string, operands: readonly Operand[], resolver: Resolver): string | undefined {
  const [first, ...rest] = operands;
  if (first?.kind !== 'path' || (operands.length !== 2 && operator !== 'BETWEEN' && operator !== 'IN')) return undefined;
  const path = resolver.path(first);
  if (!rest.some((operand) => operand.kind === 'path' && samePath(path, resolver.path(operand)))) return undefined;
  return `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${formatPath(path)}`;
}

function functionProblem(call: CallOperand, resolver: Resolver): string | undefined {
  const typeOfArg = (i: number): TypeTag | undefined => resolver.staticType(call.args[i] as Operand, RESULT_TYPES);
  switch (call.name) {
    case 'attribute_exists':
    case 'attribute_not_exists':
      return requiresPathProblem(call);
    case 'attribute_type': {
      const type = typeOfArg(1);
      if (type !== 'S') return operandTypeProblem(call.name, type ?? '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}');
      const name = (resolver.value((call.args[1] as { name: string }).name) as { S: string }).S;
      if (!TYPE_NAMES.includes(name)) {
        return `Invalid attribute type name found; type: ${name}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`;
      }
      return undefined;
    }
    case 'begins_with':
      for (let i = 0; i < call.args.length; i++) {
        const type = typeOfArg(i);
        if (type !== undefined && type !== 'S' && type !== 'B') return operandTypeProblem(call.name, type);
      }
      return undefined;
    case 'size': {
      const type = typeOfArg(0);
      return type === 'N' || type === 'BOOL' || type === 'NULL' ? operandTypeProblem(call.name, type) : undefined;
    }
    default:
      return undefined;
  }
}

function betweenProblem(low: Operand, high: Operand, resolver: Resolver): string | undefined {
  if (low.kind !== 'value' || high.kind !== 'value') return undefined;
  const lo = resolver.value(low.name);
  const hi = resolver.value(high.name);
  const show = (v: AttributeValue): string => `AttributeValue: {${typeOf(v)}:${String(Object.values(v)[0])}}`;
  const bounds = `lower bound operand: ${show(lo)}, upper bound operand: ${show(hi)}`;
  if (typeOf(lo) !== typeOf(hi)) return `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`;
  const order = compareValues(lo, hi);
  if (order !== undefined && order > 0) {
    return `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`;
  }
  return undefined;
}

const ORDERED_TYPES: ReadonlySet<TypeTag> = new Set(['S', 'N', 'B']);

/**
 * An ordering (`<`, `<=`, `>`, `>=`, BETWEEN) of an operand whose type is
 * known before any item is read (a literal, or size()) and cannot be ordered.
 * An item attribute of such a type only makes the comparison false
 * (alternator's tests, recorded against DynamoDB; message wording from
 * DynamoDB Local 3.3.1, which names the short type: BOOL, NULL, L, M, SS, NS, BS).
 */
function unorderedOperandProblem(operator: string, operands: readonly Operand[], resolver: Resolver): string | undefined {
  if (operator !== 'BETWEEN' && !Object.hasOwn(ORDERINGS, operator)) return undefined;
  for (const operand of operands) {
    const type = resolver.staticType(operand, RESULT_TYPES);
    if (type !== undefined && !ORDERED_TYPES.has(type)) return operandTypeProblem(operator, type);
  }
  return undefined;
}

/** The members of an unparenthesized chain of ANDs (or of ORs), which DynamoDB checks as one list. */
function chain(node: ConditionNode & { kind: 'and' | 'or' }): ConditionNode[] {
  const members: ConditionNode[] = [];
  const collect = (member: ConditionNode): void => {
    if (member.kind === node.kind && (member === node || member.parens === 0)) {
      collect(member.left);
      collect(member.right);
    } else members.push(member);
  };
  collect(node);
  return members;
}

/**
 * DynamoDB's checks of a condition against one request's names and values,
 * in its order: children before their operator, left to right, the
 * operators of an AND or OR chain counted after all its members, and each
 * operator counted once its own checks pass (DynamoDB Local 3.3.1; e.g.
 * `a = :undefined AND #undefined = b` reports `:undefined`).
 */
class ConditionCheck {
  constructor(
    private readonly resolver: Resolver,
    private readonly budget: OperatorBudget,
  ) {}

  node(node: ConditionNode): string | undefined {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const members = chain(node);
        for (const member of members) {
          const found = this.node(member);
          if (found) return found;
        }
        for (let i = 1; i < members.length; i++) {
          const found = this.budget.spend();
          if (found) return found;
        }
        return undefined;
      }
      case 'not':
        return this.node(node.operand) ?? this.budget.spend();
      case 'function':
        return this.operand(node.call);
      case 'compare': {
        const operands = [node.left, node.right];
        return (
          this.operands(operands) ??
          distinctProblem(node.operator, operands, this.resolver) ??
          unorderedOperandProblem(node.operator, operands, this.resolver) ??
          this.budget.spend()
        );
      }
      case 'between': {
        const operands = [node.subject, node.low, node.high];
        return (
          this.operands(operands) ??
          unorderedOperandProblem('BETWEEN', operands, this.resolver) ??
          distinctProblem('BETWEEN', operands, this.resolver) ??
          betweenProblem(node.low, node.high, this.resolver) ??
          this.budget.spend()
        );
      }
      case 'in': {
        const operands = [node.subject, ...node.list];
        return this.operands(operands) ?? distinctProblem('IN', operands, this.resolver) ?? inProblem(node.list.length) ?? this.budget.spend();
      }
    }
  }

  private operands(operands: readonly Operand[]): string | undefined {
    for (const operand of operands) {
      const found = this.operand(operand);
      if (found) return found;
    }
    return undefined;
  }

  private operand(operand: Operand): string | undefined {
    switch (operand.kind) {
      case 'path':
        return this.resolver.pathProblem(operand);
      case 'value':
        return this.resolver.valueProblem(operand);
      case 'call':
        return (
          this.operands(operand.args) ??
          arityProblem(operand, ARITY[operand.name]) ??
          distinctProblem(operand.name, operand.args, this.resolver) ??
          functionProblem(operand, this.resolver) ??
          this.budget.spend()
        );
      case 'arithmetic':
        return this.operands([operand.left, operand.right]);
    }
  }
}

function inProblem(operands: number): string | undefined {
  return operands > MAX_IN_OPERANDS ? `The IN operator is provided with too many operands; number of operands: ${operands}` : undefined;
}

function checkCondition(root: ConditionNode, resolver: Resolver): string | undefined {
  const facts = conditionFacts(root);
  return facts.problem ?? new ConditionCheck(resolver, OperatorBudget.for(facts.operators)).node(root);
}

// ---------------------------------------------------------------- evaluation

function sizeOf(value: AttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined) return undefined;
  let size: number;
  // UTF-16 code units, not bytes or code points: size of "é𝄞" is 3
  // (ExtendDB PR #67, verified against DynamoDB).
  if ('S' in value) size = value.S.length;
  else if ('B' in value) size = Buffer.from(value.B, 'base64').length;
  else if ('SS' in value) size = value.SS.length;
  else if ('NS' in value) size = value.NS.length;
  else if ('BS' in value) size = value.BS.length;
  else if ('L' in value) size = value.L.length;
  else if ('M' in value) size = Object.keys(value.M).length;
  else return undefined;
  return { N: String(size) };
}

export function beginsWith(value: AttributeValue, prefix: AttributeValue): boolean {
  if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S);
  if ('B' in value && 'B' in prefix) {
    const start = Buffer.from(prefix.B, 'base64');
    return Buffer.from(value.B, 'base64').subarray(0, start.length).equals(start);
  }
  return false;
}

/** A substring of a string, a run of bytes of a binary, a member of a set or an element of a list. */
export function contains(container: AttributeValue, member: AttributeValue): boolean {
  if ('S' in container) return 'S' in member && container.S.includes(member.S);
  if ('B' in container) return 'B' in member && Buffer.from(container.B, 'base64').includes(Buffer.from(member.B, 'base64'));
  if ('L' in container) return container.L.some((element) => valuesEqual(element, member));
  return setHas(container, member);
}

function compileOperand(operand: Operand, resolver: Resolver): Getter {
  switch (operand.kind) {
    case 'path': {
      const path = resolver.path(operand);
      return (item) => valueAt(item, path);
    }
    case 'value': {
      const value = resolver.value(operand.name);
      return () => value;
    }
    case 'call': {
      const arg = compileOperand(operand.args[0] as Operand, resolver);
      return (item) => sizeOf(arg(item));
    }
    case 'arithmetic':
      return problem('arithmetic is not allowed in conditions');
  }
}

/** Both values present, then `test`; a missing operand makes the test false. */
function both(a: Getter, b: Getter, test: (x: AttributeValue, y: AttributeValue) => boolean): Predicate {
  return (item) => {
    const x = a(item);
    const y = b(item);
    return x !== undefined && y !== undefined && test(x, y);
  };
}

const ORDERINGS: Readonly<Record<string, (order: number) => boolean>> = {
  '<': (o) => o < 0,
  '<=': (o) => o <= 0,
  '>': (o) => o > 0,
  '>=': (o) => o >= 0,
};

function compileFunction(call: CallOperand, resolver: Resolver): Predicate {
  const [first, second] = call.args.map((arg) => compileOperand(arg, resolver)) as [Getter, Getter];
  switch (call.name) {
    case 'attribute_exists':
      return (item) => first(item) !== undefined;
    case 'attribute_not_exists':
      return (item) => first(item) === undefined;
    case 'attribute_type':
      return both(first, second, (x, y) => 'S' in y && typeOf(x) === y.S);
    case 'begins_with':
      return both(first, second, beginsWith);
    default:
      return both(first, second, contains);
  }
}

function compileNode(node: ConditionNode, resolver: Resolver): Predicate {
  switch (node.kind) {
    case 'and': {
      const [left, right] = [compileNode(node.left, resolver), compileNode(node.right, resolver)];
      return (item) => left(item) && right(item);
    }
    case 'or': {
      const [left, right] = [compileNode(node.left, resolver), compileNode(node.right, resolver)];
      return (item) => left(item) || right(item);
    }
    case 'not': {
      const operand = compileNode(node.operand, resolver);
      return (item) => !operand(item);
    }
    case 'function':
      return compileFunction(node.call, resolver);
    case 'compare': {
      const [left, right] = [compileOperand(node.left, resolver), compileOperand(node.right, resolver)];
      if (node.operator === '=') return both(left, right, valuesEqual);
      // `<>` is the negation of `=`: true when an operand is missing or the types differ.
      if (node.operator === '<>') {
        const equal = both(left, right, valuesEqual);
        return (item) => !equal(item);
      }
      const accept = ORDERINGS[node.operator] as (order: number) => boolean;
      return both(left, right, (x, y) => {
        const order = compareValues(x, y);
        return order !== undefined && accept(order);
      });
    }
    case 'between': {
      const [subject, low, high] = [node.subject, node.low, node.high].map((o) => compileOperand(o, resolver)) as [Getter, Getter, Getter];
      return (item) => {
        const [s, lo, hi] = [subject(item), low(item), high(item)];
        if (s === undefined || lo === undefined || hi === undefined) return false;
        const fromLow = compareValues(s, lo);
        const toHigh = compareValues(s, hi);
        return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
      };
    }
    case 'in': {
      const subject = compileOperand(node.subject, resolver);
      const list = node.list.map((o) => compileOperand(o, resolver));
      return (item) => {
        const s = subject(item);
        if (s === undefined) return false;
        return list.some((get) => {
          const candidate = get(item);
          return candidate !== undefined && valuesEqual(s, candidate);
        });
      };
    }
  }
}

/** Makes DynamoDB's checks of a condition against one request's names and values, without compiling it. */
export function checkBinding(root: ConditionNode, maps: AttributeMaps): Resolver {
  const resolver = new Resolver(maps);
  const found = checkCondition(root, resolver);
  if (found) problem(found);
  return resolver;
}

export function bindCondition(root: ConditionNode, maps: AttributeMaps): Predicate {
  return compileNode(root, checkBinding(root, maps));
}

/** The document paths a condition reads (after binding succeeded), for the rules on key attributes in filters. */
export function conditionPaths(root: ConditionNode, maps: AttributeMaps): DocumentPath[] {
  const resolver = new Resolver(maps);
  return conditionFacts(root).paths.map((path) => resolver.path(path));
}
