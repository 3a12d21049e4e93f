/**
 * The parsed (unbound) form of expressions. Nodes are deeply frozen once a
 * parse succeeds, so one tree can be cached and shared by concurrent requests;
 * `#names` and `:values` stay symbolic until a request binds them.
 */

export type PathElement =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'alias'; readonly alias: string }
  /** `text` keeps the digits of an index beyond DynamoDB's range, which the error quotes as written. */
  | { readonly kind: 'index'; readonly index: number; readonly text?: string };

/** `parens` counts the parentheses directly around a node (the parser refuses two or more). */
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
  readonly actions: readonly UpdateAction[];
  /**
   * The first section keyword written twice, and how many actions precede the
   * end of that second section: DynamoDB reports the repeat only after
   * checking the actions before that point.
   */
  readonly repeatedSection?: { readonly name: UpdateSectionName; readonly end: number };
}

export type ProjectionAst = readonly PathOperand[];

/** Freezes a tree, walking it with a stack of its own: trees nest as deep as their text. */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || Object.isFrozen(node)) continue;
    Object.freeze(node);
    for (const child of Object.values(node)) pending.push(child);
  }
  return value;
}
