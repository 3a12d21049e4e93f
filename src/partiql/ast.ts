/**
 * Parsed PartiQL statements, deeply frozen so one parse can be cached and
 * shared. WHERE clauses and UPDATE actions are the expression module's own
 * nodes (ConditionNode, UpdateAst), so PartiQL is evaluated by the same
 * evaluator as ConditionExpression and UpdateExpression: attribute names
 * stand behind `#n<i>` aliases and literals and `?` parameters behind
 * `:v<i>` placeholders, resolved per request (see bind.ts).
 */
import type { AttributeValue } from '../model/attribute-value.js';
import type { ConditionNode, PathOperand, UpdateAst } from '../expressions/ast.js';

/** A PartiQL value as written: literals, `?` parameters and the containers that may hold them. */
export type ValueNode =
  /** `text` is a number as written (`2.0`), for messages that quote it. */
  | { readonly kind: 'literal'; readonly value: AttributeValue; readonly text?: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'parameter'; readonly index: number }
  | { readonly kind: 'list'; readonly elements: readonly ValueNode[] }
  | { readonly kind: 'set'; readonly elements: readonly ValueNode[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, ValueNode])[] };

/** `"Table"` or `"Table"."Index"`. */
export interface Target {
  readonly table: string;
  readonly index?: string;
}

/** What the `#n<i>` aliases and `:v<i>` placeholders of a statement stand for. */
export interface Symbols {
  readonly names: readonly string[];
  readonly values: readonly ValueNode[];
  /** How many `?` the statement holds. */
  readonly parameters: number;
}

export interface ProjectedPath {
  readonly path: PathOperand;
  /** The result attribute's name: the path's last dotted step as written, e.g. `x[2]` for `a.x[2]`. */
  readonly label: string;
}

export type Returning = 'ALL OLD' | 'MODIFIED OLD' | 'ALL NEW' | 'MODIFIED NEW';

interface Common {
  readonly target: Target;
  readonly symbols: Symbols;
}

export interface SelectStatement extends Common {
  readonly kind: 'select';
  /** Undefined for `SELECT *`. */
  readonly projection?: readonly ProjectedPath[];
  readonly where?: ConditionNode;
  readonly orderBy?: readonly { readonly path: PathOperand; readonly descending: boolean }[];
}

export interface InsertStatement extends Common {
  readonly kind: 'insert';
  readonly item: ValueNode;
}

export interface UpdateStatement extends Common {
  readonly kind: 'update';
  readonly update: UpdateAst;
  readonly where?: ConditionNode;
  readonly returning?: Returning;
}

export interface DeleteStatement extends Common {
  readonly kind: 'delete';
  readonly where?: ConditionNode;
  readonly returning?: Returning;
}

/**
 * `EXISTS(SELECT * FROM t WHERE <full key> AND <condition>)`: ExecuteTransaction's
 * condition check on one item, which writes nothing.
 */
export interface ExistsStatement extends Common {
  readonly kind: 'exists';
  readonly select: SelectStatement;
}

export type WriteStatement = InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;
export type Statement = SelectStatement | WriteStatement;
