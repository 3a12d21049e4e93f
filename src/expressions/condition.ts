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
import {
  arityProblem,
  calls,
  operandTypeProblem,
  paths,
  preOrder,
  postOrder,
  requiresPathProblem,
  reservedWordIn,
  Resolver,
  tooDeepPathIn,
} from './operands.js';
import { problem } from './problem.js';

export type Predicate = (item: Item | undefined) => boolean;
type Getter = (item: Item | undefined) => AttributeValue | undefined;

const ARITY: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};
const RESULT_TYPES: Readonly<Record<string, TypeTag>> = { size: 'N' };
const TYPE_NAMES: readonly string[] = ['S', 'N', 'B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'NS', 'M'];
export const MAX_IN_OPERANDS = 100;

type Leaf = Extract<ConditionNode, { kind: 'compare' | 'between' | 'in' | 'function' }>;

const isLeaf = (node: ConditionNode): node is Leaf => node.kind !== 'and' && node.kind !== 'or' && node.kind !== 'not';

function* leaves(node: ConditionNode): Generator<Leaf> {
  for (const child of conditionNodes(node)) if (isLeaf(child)) yield child;
}

function* conditionNodes(node: ConditionNode): Generator<ConditionNode> {
  yield node;
  if (node.kind === 'and' || node.kind === 'or') {
    yield* conditionNodes(node.left);
    yield* conditionNodes(node.right);
  } else if (node.kind === 'not') yield* conditionNodes(node.operand);
}

function leafOperands(leaf: Leaf): Operand[] {
  switch (leaf.kind) {
    case 'compare':
      return [leaf.left, leaf.right];
    case 'between':
      return [leaf.subject, leaf.low, leaf.high];
    case 'in':
      return [leaf.subject, ...leaf.list];
    case 'function':
      return [leaf.call];
  }
}

const allOperands = (root: ConditionNode): Operand[] => [...leaves(root)].flatMap((leaf) => leafOperands(leaf).flatMap((o) => [...preOrder(o)]));

// ---------------------------------------------------------------- checks

function misusedFunction(leaf: Leaf): string | undefined {
  const misuse = (name: string): string => `The function is not allowed to be used this way in an expression; function: ${name}`;
  const asOperands = leaf.kind === 'function' ? leaf.call.args : leafOperands(leaf);
  if (leaf.kind === 'function' && leaf.call.name === 'size') return misuse('size');
  for (const call of calls(asOperands.flatMap((o) => [...preOrder(o)]))) {
    if (call.name !== 'size') return misuse(call.name);
  }
  return undefined;
}

function distinctProblem(operator: string, operands: readonly Operand[], resolver: Resolver): string | undefined {
  const [first, second] = operands;
  if (operands.length !== 2 || first?.kind !== 'path' || second?.kind !== 'path') return undefined;
  const path = resolver.path(first);
  if (!samePath(path, resolver.path(second))) return undefined;
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
function unorderedOperandProblem(leaf: Leaf, resolver: Resolver): string | undefined {
  let operator: string;
  let operands: readonly Operand[];
  if (leaf.kind === 'between') [operator, operands] = ['BETWEEN', [leaf.subject, leaf.low, leaf.high]];
  else if (leaf.kind === 'compare' && Object.hasOwn(ORDERINGS, leaf.operator)) [operator, operands] = [leaf.operator, [leaf.left, leaf.right]];
  else return undefined;
  for (const operand of operands) {
    const type = resolver.staticType(operand, RESULT_TYPES);
    if (type !== undefined && !ORDERED_TYPES.has(type)) return operandTypeProblem(operator, type);
  }
  return undefined;
}

function leafProblem({ leaf, operands, calls: leafCalls }: LeafFacts, resolver: Resolver): string | undefined {
  const undefinedRef = resolver.undefinedNameIn(operands) ?? resolver.undefinedValueIn(operands);
  if (undefinedRef) return undefinedRef;
  for (const call of leafCalls) {
    const arity = arityProblem(call, ARITY[call.name]);
    if (arity) return arity;
  }
  const distinct =
    (leaf.kind === 'compare' ? distinctProblem(leaf.operator, [leaf.left, leaf.right], resolver) : undefined) ??
    leafCalls.map((call) => distinctProblem(call.name, call.args, resolver)).find(Boolean);
  if (distinct) return distinct;
  for (const call of leafCalls) {
    const found = functionProblem(call, resolver);
    if (found) return found;
  }
  const unordered = unorderedOperandProblem(leaf, resolver);
  if (unordered) return unordered;
  if (leaf.kind === 'between') return betweenProblem(leaf.low, leaf.high, resolver);
  if (leaf.kind === 'in' && leaf.list.length > MAX_IN_OPERANDS) {
    return `The IN operator is provided with too many operands; number of operands: ${leaf.list.length}`;
  }
  return undefined;
}

/** A leaf with its operands, innermost first, and the function calls among them. */
interface LeafFacts {
  readonly leaf: Leaf;
  readonly operands: readonly Operand[];
  readonly calls: readonly CallOperand[];
}

/** What the checks need from the AST alone: worked out once per parsed (cached, frozen) AST. */
interface ConditionFacts {
  readonly leaves: readonly LeafFacts[];
  /** Every operand in reading order. */
  readonly operands: readonly Operand[];
  /** Redundant parentheses, an unknown or misused function, a reserved word or a too deep path: found before any name or value is looked at. */
  readonly syntaxProblem: string | undefined;
}

const factsCache = new WeakMap<ConditionNode, ConditionFacts>();

function syntaxProblemIn(root: ConditionNode, leafList: readonly Leaf[], operands: readonly Operand[]): string | undefined {
  if ([...conditionNodes(root), ...operands].some((node) => node.parens > 1)) {
    return 'The expression has redundant parentheses;';
  }
  const unknown = calls(operands).find((call) => ARITY[call.name] === undefined);
  if (unknown) return `Invalid function name; function: ${unknown.name}`;
  return leafList.map(misusedFunction).find(Boolean) ?? reservedWordIn(operands) ?? tooDeepPathIn(operands);
}

function factsOf(root: ConditionNode): ConditionFacts {
  let facts = factsCache.get(root);
  if (facts === undefined) {
    const leafList = [...leaves(root)];
    const operands = allOperands(root);
    facts = {
      leaves: leafList.map((leaf) => {
        const innermostFirst = leafOperands(leaf).flatMap((o) => [...postOrder(o)]);
        return { leaf, operands: innermostFirst, calls: calls(innermostFirst) };
      }),
      operands,
      syntaxProblem: syntaxProblemIn(root, leafList, operands),
    };
    factsCache.set(root, facts);
  }
  return facts;
}

function checkCondition(root: ConditionNode, resolver: Resolver): string | undefined {
  const facts = factsOf(root);
  if (facts.syntaxProblem) return facts.syntaxProblem;
  for (const leaf of facts.leaves) {
    const found = leafProblem(leaf, resolver);
    if (found) return found;
  }
  return undefined;
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
  return paths(factsOf(root).operands).map((path) => resolver.path(path));
}
