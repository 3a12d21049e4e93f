/**
 * Shared by the condition, update and projection binders: resolving
 * `#names`/`:values` against a request, the operator budget, and the
 * per-operand checks both condition and update expressions make.
 */
import type { AttributeValue, TypeTag } from '../model/attribute-value.js';
import { typeOf } from '../model/attribute-value.js';
import type { CallOperand, Operand, PathOperand, ValueOperand } from './ast.js';
import type { AttributeMaps } from './attribute-maps.js';
import type { DocumentPath } from './document-path.js';

/**
 * A document path names at most 32 levels, its head included: `a.b...` with
 * 33 names is refused with "nesting levels: 33" (Alternator's tests against
 * DynamoDB, DynamoDB Local 3.3.1).
 */
export const MAX_PATH_DEPTH = 32;
export const MAX_OPERATORS = 300;

/**
 * The operators a check may still pass. DynamoDB counts operators as its
 * checks walk the expression and stops at the 301st, so a problem met before
 * that point wins; when the whole expression is within the limit (known from
 * its text) nothing needs counting.
 */
export class OperatorBudget {
  private static readonly unlimited = new OperatorBudget(Infinity);

  private constructor(private left: number) {}

  static for(operators: number): OperatorBudget {
    return operators > MAX_OPERATORS ? new OperatorBudget(MAX_OPERATORS) : OperatorBudget.unlimited;
  }

  spend(): string | undefined {
    this.left--;
    return this.left < 0 ? `The expression contains too many operators; operator count: ${MAX_OPERATORS + 1}` : undefined;
  }
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

  /** A path's first fault: too many levels (counted before any alias is looked up), then an undefined alias. */
  pathProblem(path: PathOperand): string | undefined {
    if (path.elements.length > MAX_PATH_DEPTH) {
      return `The document path has too many nesting levels; nesting levels: ${path.elements.length}`;
    }
    for (const element of path.elements) {
      if (element.kind === 'alias' && this.maps.name(element.alias) === undefined) {
        return `An expression attribute name used in the document path is not defined; attribute name: ${element.alias}`;
      }
    }
    return undefined;
  }

  valueProblem(value: ValueOperand): string | undefined {
    if (this.maps.value(value.name) !== undefined) return undefined;
    return `An expression attribute value used in expression is not defined; attribute value: ${value.name}`;
  }

  /** Call only after `pathProblem` found nothing. */
  path(operand: PathOperand): DocumentPath {
    return operand.elements.map((element) => {
      if (element.kind === 'index') return element.index;
      if (element.kind === 'name') return element.name;
      return this.maps.name(element.alias) as string;
    });
  }

  /** Call only after `valueProblem` found nothing. */
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
