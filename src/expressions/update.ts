/**
 * Binds a parsed UpdateExpression to one request and applies it to items.
 * Every SET value is computed from the item as it was before the update, as
 * in DynamoDB; REMOVEs run last, highest list index first, so that indexes
 * name elements of the original list.
 */
import type { AttributeValue, Item, TypeTag } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import { addNumbers, compareNumbers, subtractNumbers } from '../model/numbers.js';
import { validation, type DynamoError } from '../protocol/errors.js';
import type { Operand, UpdateAction, UpdateAst } from './ast.js';
import type { AttributeMaps } from './attribute-maps.js';
import { compareBinaries } from './compare.js';
import { PathSet, valueAt, type DocumentPath, type PathStep } from './document-path.js';
import { UPDATE_FUNCTIONS as ARITY } from './functions.js';
import { childOf, ItemDraft, removeChild, setChild } from './item-edit.js';
import { arityProblem, OperatorBudget, operandTypeProblem, requiresPathProblem, Resolver } from './operands.js';
import { problem } from './problem.js';
import { updateFacts } from './static-checks.js';

export const INCORRECT_TYPE = 'An operand in the update expression has an incorrect data type';
const MISSING_OPERAND = 'The provided expression refers to an attribute that does not exist in the item';

const RESULT_TYPES: Readonly<Record<string, TypeTag>> = { list_append: 'L' };
const TYPE_WORDS: Readonly<Partial<Record<TypeTag, string>>> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
  L: 'LIST',
  M: 'MAP',
};

type Compute = (item: Item) => AttributeValue;

export type BoundAction =
  | { readonly kind: 'SET'; readonly path: DocumentPath; readonly compute: Compute }
  | { readonly kind: 'REMOVE'; readonly path: DocumentPath }
  | { readonly kind: 'ADD' | 'DELETE'; readonly path: DocumentPath; readonly value: AttributeValue };

// ---------------------------------------------------------------- checks

function functionProblem(operand: Operand, resolver: Resolver): string | undefined {
  if (operand.kind === 'arithmetic') {
    for (const side of [operand.left, operand.right]) {
      const type = resolver.staticType(side, RESULT_TYPES);
      if (type !== undefined && type !== 'N') return operandTypeProblem(operand.operator, type);
    }
  }
  if (operand.kind !== 'call') return undefined;
  const arity = arityProblem(operand, ARITY[operand.name]);
  if (arity) return arity;
  if (operand.name === 'if_not_exists') return requiresPathProblem(operand);
  for (const arg of operand.args) {
    const type = arg.kind === 'value' ? typeOf(resolver.value(arg.name)) : undefined;
    if (type !== undefined && type !== 'L') return operandTypeProblem(operand.name, type);
  }
  return undefined;
}

function setOperandProblem(action: UpdateAction, resolver: Resolver): string | undefined {
  if (action.kind !== 'ADD' && action.kind !== 'DELETE') return undefined;
  const type = typeOf(resolver.value(action.value.name));
  const word = TYPE_WORDS[type];
  if (word === undefined || (action.kind === 'ADD' && type === 'N')) return undefined;
  // The typeSet suffix: DynamoDB Local 3.3.1, and live responses quoted by
  // other emulators (floci, zio-dynamodb); dynalite's older recordings lack it.
  return `Incorrect operand type for operator or function; operator: ${action.kind}, operand type: ${word}, typeSet: ALLOWED_FOR_${action.kind}_OPERAND`;
}

/** A SET value's problems, children before the function or arithmetic that holds them. */
function operandProblem(operand: Operand, resolver: Resolver, budget: OperatorBudget): string | undefined {
  switch (operand.kind) {
    case 'path':
      return resolver.pathProblem(operand);
    case 'value':
      return resolver.valueProblem(operand);
    case 'call':
    case 'arithmetic': {
      const children = operand.kind === 'call' ? operand.args : [operand.left, operand.right];
      for (const child of children) {
        const found = operandProblem(child, resolver, budget);
        if (found) return found;
      }
      return functionProblem(operand, resolver) ?? budget.spend();
    }
  }
}

function actionOperandProblem(action: UpdateAction, resolver: Resolver, budget: OperatorBudget): string | undefined {
  switch (action.kind) {
    case 'SET':
      return operandProblem(action.value, resolver, budget);
    case 'REMOVE':
      return undefined;
    default:
      return resolver.valueProblem(action.value) ?? setOperandProblem(action, resolver);
  }
}

/**
 * DynamoDB's checks of an update against one request, in its order
 * (DynamoDB Local 3.3.1): the text-only problems; then the actions from last
 * to first, each target path's depth and names, then its clash with the
 * targets already seen; then again from last to first each action's
 * operands, counting operators; last, updates of key attributes. So in
 * `SET a = :undefined, b = #undefined` it is `#undefined` that is reported.
 */
function checkUpdate(ast: UpdateAst, resolver: Resolver, keyNames: readonly string[]): string | undefined {
  const facts = updateFacts(ast);
  if (facts.problem) return facts.problem;
  const { actions } = ast;
  const targets = new PathSet();
  for (let i = actions.length - 1; i >= 0; i--) {
    const { path } = actions[i] as UpdateAction;
    const found = resolver.pathProblem(path) ?? targets.add(resolver.path(path));
    if (found) return found;
  }
  const budget = OperatorBudget.for(facts.operators);
  for (let i = actions.length - 1; i >= 0; i--) {
    const found = actionOperandProblem(actions[i] as UpdateAction, resolver, budget);
    if (found) return found;
  }
  const keyTouched = ast.actions.map((action) => resolver.path(action.path)[0] as string).find((head) => keyNames.includes(head));
  if (keyTouched !== undefined) {
    throw keyAttributeUpdated(keyTouched);
  }
  return undefined;
}

// ---------------------------------------------------------------- computing values

function compileOperand(operand: Operand, resolver: Resolver): Compute {
  switch (operand.kind) {
    case 'value': {
      const value = resolver.value(operand.name);
      return () => value;
    }
    case 'path': {
      const path = resolver.path(operand);
      return (item) => valueAt(item, path) ?? problemAt(MISSING_OPERAND);
    }
    case 'arithmetic': {
      const [left, right] = [compileOperand(operand.left, resolver), compileOperand(operand.right, resolver)];
      const combine = operand.operator === '+' ? addNumbers : subtractNumbers;
      return (item) => {
        const [a, b] = [left(item), right(item)];
        if (!('N' in a) || !('N' in b)) throw validation(INCORRECT_TYPE);
        return { N: combine(a.N, b.N) };
      };
    }
    case 'call': {
      const [first, second] = operand.args.map((arg) => compileOperand(arg, resolver)) as [Compute, Compute];
      if (operand.name === 'if_not_exists') {
        const path = resolver.path(operand.args[0] as Extract<Operand, { kind: 'path' }>);
        return (item) => valueAt(item, path) ?? second(item);
      }
      return (item) => {
        const [a, b] = [first(item), second(item)];
        if (!('L' in a) || !('L' in b)) throw validation(INCORRECT_TYPE);
        return { L: [...a.L, ...b.L] };
      };
    }
  }
}

function problemAt(message: string): never {
  throw validation(message);
}

// ---------------------------------------------------------------- applying

function memberList(value: AttributeValue): readonly string[] {
  if ('SS' in value) return value.SS;
  if ('NS' in value) return value.NS;
  if ('BS' in value) return value.BS;
  return [];
}

function sameMember(type: TypeTag): (a: string, b: string) => boolean {
  if (type === 'NS') return (a, b) => compareNumbers(a, b) === 0;
  if (type === 'BS') return (a, b) => compareBinaries(a, b) === 0;
  return (a, b) => a === b;
}

function withMembers(type: TypeTag, members: string[]): AttributeValue {
  return { [type]: members } as unknown as AttributeValue;
}

/** DynamoDB's refusal of an update that would change a primary key attribute. */
export function keyAttributeUpdated(name: string): DynamoError {
  return validation(`One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`);
}

/** ADD: numbers add, sets unite; a missing attribute starts from nothing. */
export function addTo(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  const type = typeOf(value);
  if (existing !== undefined && typeOf(existing) !== type) throw validation(INCORRECT_TYPE);
  if ('N' in value) return { N: addNumbers(existing && 'N' in existing ? existing.N : '0', value.N) };
  const same = sameMember(type);
  const current = existing ? [...memberList(existing)] : [];
  for (const member of memberList(value)) if (!current.some((c) => same(c, member))) current.push(member);
  return withMembers(type, current);
}

/** DELETE: set difference; undefined when nothing is left (the attribute goes away). */
export function deleteFrom(existing: AttributeValue, value: AttributeValue): AttributeValue | undefined {
  const type = typeOf(value);
  if (typeOf(existing) !== type) throw validation(INCORRECT_TYPE);
  const same = sameMember(type);
  const left = memberList(existing).filter((member) => !memberList(value).some((gone) => same(member, gone)));
  return left.length > 0 ? withMembers(type, left) : undefined;
}

const lastStep = (path: DocumentPath): PathStep => path[path.length - 1] as PathStep;

function removalOrder(a: BoundAction, b: BoundAction): number {
  const [x, y] = [lastStep(a.path), lastStep(b.path)];
  return typeof x === 'number' && typeof y === 'number' ? y - x : 0;
}

interface Write {
  readonly action: Exclude<BoundAction, { kind: 'REMOVE' }>;
  /** A SET's value, computed from the original item. */
  readonly value: AttributeValue | undefined;
}

/**
 * The writes in the order they apply: as written, except that the writes
 * into one list go in index order, so that several past its end append in
 * index order (`SET a[84] = :1, a[17] = :2` appends :2, then :1), as the
 * Developer Guide says and alternator's and dynalite's tests recorded
 * against DynamoDB show (SET and ADD alike).
 */
function inApplyOrder(writes: readonly Write[]): Write[] {
  const byList = new Map<string, number[]>();
  writes.forEach(({ action }, i) => {
    if (typeof lastStep(action.path) !== 'number') return;
    const list = JSON.stringify(action.path.slice(0, -1));
    const positions = byList.get(list);
    if (positions === undefined) byList.set(list, [i]);
    else positions.push(i);
  });
  const ordered = [...writes];
  for (const positions of byList.values()) {
    const sorted = positions.map((i) => writes[i] as Write).sort((a, b) => (lastStep(a.action.path) as number) - (lastStep(b.action.path) as number));
    positions.forEach((position, j) => (ordered[position] = sorted[j] as Write));
  }
  return ordered;
}

export function applyActions(actions: readonly BoundAction[], original: Item): Item {
  const writes = actions.flatMap((action): Write[] =>
    action.kind === 'REMOVE' ? [] : [{ action, value: action.kind === 'SET' ? action.compute(original) : undefined }],
  );
  const draft = new ItemDraft(original);
  for (const { action, value } of inApplyOrder(writes)) {
    const parent = draft.parentOf(action.path);
    const step = lastStep(action.path);
    if (action.kind === 'SET') setChild(parent, step, value as AttributeValue);
    else if (action.kind === 'ADD') setChild(parent, step, addTo(childOf(parent, step), action.value));
    else {
      const existing = childOf(parent, step);
      if (existing === undefined) continue;
      const rest = deleteFrom(existing, action.value);
      if (rest === undefined) removeChild(parent, step);
      else setChild(parent, step, rest);
    }
  }
  const removals = actions.filter((action) => action.kind === 'REMOVE').sort(removalOrder);
  for (const removal of removals) removeChild(draft.parentOf(removal.path), lastStep(removal.path));
  return draft.item;
}

export function bindUpdate(ast: UpdateAst, maps: AttributeMaps, keyNames: readonly string[]): BoundAction[] {
  const resolver = new Resolver(maps);
  const found = checkUpdate(ast, resolver, keyNames);
  if (found) problem(found);
  return ast.actions.map((action): BoundAction => {
    const path = resolver.path(action.path);
    if (action.kind === 'SET') return { kind: 'SET', path, compute: compileOperand(action.value, resolver) };
    if (action.kind === 'REMOVE') return { kind: 'REMOVE', path };
    return { kind: action.kind, path, value: resolver.value(action.value.name) };
  });
}

/** Every document path an update reads or writes (after binding succeeded), for the rules on key attributes. */
export function updatePaths(ast: UpdateAst, maps: AttributeMaps): DocumentPath[] {
  const resolver = new Resolver(maps);
  return updateFacts(ast).paths.map((path) => resolver.path(path));
}
