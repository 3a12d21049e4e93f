/**
 * Shared by the condition and update binders: walking operand trees in
 * document order, resolving `#names`/`:values` against a request, and the
 * request-independent checks both expression kinds make.
 */
import type { AttributeValue, TypeTag } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import type { CallOperand, Operand, PathOperand } from './ast.js';
import type { AttributeMaps } from './attribute-maps.js';
import type { DocumentPath } from './document-path.js';
import { isReservedWord } from './reserved-words.js';

/** Documents nest at most 32 levels deep, so a path has at most 32 steps below its head. */
export const MAX_PATH_DEPTH = 32;

/** Every operand inside `operand`, itself included, children before parents (evaluation order). */
export function* postOrder(operand: Operand): Generator<Operand> {
  if (operand.kind === 'call') for (const arg of operand.args) yield* postOrder(arg);
  if (operand.kind === 'arithmetic') {
    yield* postOrder(operand.left);
    yield* postOrder(operand.right);
  }
  yield operand;
}

/** Every operand inside `operand`, parents before children (reading order). */
export function* preOrder(operand: Operand): Generator<Operand> {
  yield operand;
  if (operand.kind === 'call') for (const arg of operand.args) yield* preOrder(arg);
  if (operand.kind === 'arithmetic') {
    yield* preOrder(operand.left);
    yield* preOrder(operand.right);
  }
}

export function calls(operands: Iterable<Operand>): CallOperand[] {
  return [...operands].filter((operand): operand is CallOperand => operand.kind === 'call');
}

export function paths(operands: Iterable<Operand>): PathOperand[] {
  return [...operands].filter((operand): operand is PathOperand => operand.kind === 'path');
}

export function reservedWordIn(operands: Iterable<Operand>): string | undefined {
  for (const path of paths(operands)) {
    for (const element of path.elements) {
      if (element.kind === 'name' && isReservedWord(element.name)) {
        return `Attribute name is a reserved keyword; reserved keyword: ${element.name}`;
      }
    }
  }
  return undefined;
}

export function tooDeepPathIn(operands: Iterable<Operand>): string | undefined {
  for (const path of paths(operands)) {
    const levels = path.elements.length - 1;
    if (levels > MAX_PATH_DEPTH) return `The document path has too many nesting levels; nesting levels: ${levels}`;
  }
  return undefined;
}

export function arityProblem(call: CallOperand, arity: number | undefined): string | undefined {
  if (arity === undefined || call.args.length === arity) return undefined;
  return `Incorrect number of operands for operator or function; operator or function: ${call.name}, number of operands: ${call.args.length}`;
}

export function operandTypeProblem(operator: string, type: string): string {
  return `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`;
}

export function requiresPathProblem(call: CallOperand): string | undefined {
  if (call.args[0]?.kind === 'path') return undefined;
  return `Operator or function requires a document path; operator or function: ${call.name}`;
}

/** Resolves aliases and placeholders, reporting the first undefined one. */
export class Resolver {
  constructor(private readonly maps: AttributeMaps) {}

  undefinedNameIn(operands: Iterable<Operand>): string | undefined {
    for (const path of paths(operands)) {
      for (const element of path.elements) {
        if (element.kind === 'alias' && this.maps.name(element.alias) === undefined) {
          return `An expression attribute name used in the document path is not defined; attribute name: ${element.alias}`;
        }
      }
    }
    return undefined;
  }

  undefinedValueIn(operands: Iterable<Operand>): string | undefined {
    for (const operand of operands) {
      if (operand.kind === 'value' && this.maps.value(operand.name) === undefined) {
        return `An expression attribute value used in expression is not defined; attribute value: ${operand.name}`;
      }
    }
    return undefined;
  }

  /** Call only after `undefinedNameIn` found nothing. */
  path(operand: PathOperand): DocumentPath {
    return operand.elements.map((element) => {
      if (element.kind === 'index') return element.index;
      if (element.kind === 'name') return element.name;
      return this.maps.name(element.alias) as string;
    });
  }

  /** Call only after `undefinedValueIn` found nothing. */
  value(name: string): AttributeValue {
    return this.maps.value(name) as AttributeValue;
  }

  /** The type an operand certainly has before any item is seen: a literal's, or a function's result. */
  staticType(operand: Operand, resultTypes: Readonly<Record<string, TypeTag>>): TypeTag | undefined {
    if (operand.kind === 'value') return typeOf(this.value(operand.name));
    if (operand.kind === 'call') return resultTypes[operand.name];
    return undefined;
  }
}
