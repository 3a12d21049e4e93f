/**
 * The parsed (unbound) form of expressions. Nodes are deeply frozen once a
 * parse succeeds, so one tree can be cached and shared by concurrent requests;
 * `#names` and `:values` stay symbolic until a request binds them.
 */

export type PathElement =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'alias'; readonly alias: string }
  | { readonly kind: 'index'; readonly index: number };

/** `parens` counts the parentheses directly around a node; two or more is an error. */
interface Wrapped {
  readonly parens: number;
}

export interface PathOperand extends Wrapped {
  readonly kind: 'path';
  readonly elements: readonly PathElement[];
}

export interface ValueOperand extends Wrapped {
  readonly kind: 'value';
  readonly name: string;
}

export interface CallOperand extends Wrapped {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Operand[];
}

/** `a + b` / `a - b`, only on the right of SET. */
export interface ArithmeticOperand extends Wrapped {
  readonly kind: 'arithmetic';
  readonly operator: '+' | '-';
  readonly left: Operand;
  readonly right: Operand;
}

export type Operand = PathOperand | ValueOperand | CallOperand | ArithmeticOperand;

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type ConditionNode =
  | (Wrapped & { readonly kind: 'compare'; readonly operator: Comparator; readonly left: Operand; readonly right: Operand })
  | (Wrapped & { readonly kind: 'between'; readonly subject: Operand; readonly low: Operand; readonly high: Operand })
  | (Wrapped & { readonly kind: 'in'; readonly subject: Operand; readonly list: readonly Operand[] })
  | (Wrapped & { readonly kind: 'function'; readonly call: CallOperand })
  | (Wrapped & { readonly kind: 'and' | 'or'; readonly left: ConditionNode; readonly right: ConditionNode })
  | (Wrapped & { readonly kind: 'not'; readonly operand: ConditionNode });

export type UpdateSectionName = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

export type UpdateAction =
  | { readonly kind: 'SET'; readonly path: PathOperand; readonly value: Operand }
  | { readonly kind: 'REMOVE'; readonly path: PathOperand }
  | { readonly kind: 'ADD' | 'DELETE'; readonly path: PathOperand; readonly value: ValueOperand };

export interface UpdateAst {
  /** Section keywords in the order written, repeats included (a repeat is a semantic error). */
  readonly sections: readonly UpdateSectionName[];
  readonly actions: readonly UpdateAction[];
}

export type ProjectionAst = readonly PathOperand[];

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
