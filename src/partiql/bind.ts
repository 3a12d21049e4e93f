/**
 * One request's view of a parsed statement: its `?` parameters checked and
 * substituted, its literals built into attribute values, and its WHERE clause
 * and SET/REMOVE actions compiled by the expression module's own binders, so
 * PartiQL compares, tests functions and updates exactly as expressions do.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { setOwn } from '../model/own-property.js';
import { validateAttributeValue } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';
import type { ConditionNode, Operand, PathOperand, UpdateAst } from '../expressions/ast.js';
import { AttributeMaps } from '../expressions/attribute-maps.js';
import { bindCondition, type Predicate } from '../expressions/condition.js';
import type { DocumentPath } from '../expressions/document-path.js';
import { Resolver } from '../expressions/operands.js';
import { ExpressionProblem } from '../expressions/problem.js';
import { applyActions, bindUpdate } from '../expressions/update.js';
import type { Statement, ValueNode } from './ast.js';

export const PARAMETER_COUNT_MISMATCH = "Number of parameters in request and statement don't match.";

function setOf(members: readonly AttributeValue[]): AttributeValue {
  const [first] = members;
  if (first !== undefined && members.every((m) => 'S' in m)) return { SS: members.map((m) => (m as { S: string }).S) };
  if (first !== undefined && members.every((m) => 'N' in m)) return { NS: members.map((m) => (m as { N: string }).N) };
  if (first !== undefined && members.every((m) => 'B' in m)) return { BS: members.map((m) => (m as { B: string }).B) };
  throw validation('One or more parameter values were invalid: A set may only contain members of one scalar type: strings, numbers or binaries');
}

/** A value node with parameters substituted; undefined for MISSING (a map entry holding it is left out). */
export function resolveValue(node: ValueNode, parameters: readonly AttributeValue[]): AttributeValue | undefined {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'missing':
      return undefined;
    case 'parameter':
      return parameters[node.index];
    case 'list':
      return { L: node.elements.flatMap((e) => resolveValue(e, parameters) ?? []) };
    case 'set':
      return setOf(node.elements.flatMap((e) => resolveValue(e, parameters) ?? []));
    case 'map': {
      const map: Item = {};
      for (const [key, element] of node.entries) {
        const value = resolveValue(element, parameters);
        if (value !== undefined) setOwn(map, key, value);
      }
      return { M: map };
    }
  }
}

/** Expression problems reach the caller bare: PartiQL has no `Invalid X:` parameter to name. */
function bare<T>(bind: () => T): T {
  try {
    return bind();
  } catch (error) {
    if (error instanceof ExpressionProblem) throw validation(error.message);
    throw error;
  }
}

export class Binding {
  private readonly maps: AttributeMaps;
  private readonly resolver: Resolver;
  private readonly values = new Map<string, AttributeValue>();

  constructor(
    readonly statement: Statement,
    readonly parameters: readonly AttributeValue[],
  ) {
    if (parameters.length !== statement.symbols.parameters) throw validation(PARAMETER_COUNT_MISMATCH);
    const names: Record<string, string> = {};
    statement.symbols.names.forEach((name, i) => (names[`#n${i}`] = name));
    statement.symbols.values.forEach((node, i) => {
      const value = resolveValue(node, parameters);
      if (value === undefined) throw validation('MISSING cannot be used as a value in this position');
      this.values.set(`:v${i}`, validateAttributeValue(value));
    });
    const values = Object.fromEntries(this.values);
    this.maps = new AttributeMaps(
      Object.keys(names).length > 0 ? names : undefined,
      this.values.size > 0 ? values : undefined,
    );
    this.resolver = new Resolver(this.maps);
  }

  /** The value behind an operand, when it is a literal or parameter. */
  valueOf(operand: Operand): AttributeValue | undefined {
    return operand.kind === 'value' ? this.values.get(operand.name) : undefined;
  }

  path(operand: PathOperand): DocumentPath {
    return this.resolver.path(operand);
  }

  /** The attribute an operand names when it is a plain top-level attribute. */
  attributeOf(operand: Operand): string | undefined {
    if (operand.kind !== 'path' || operand.elements.length !== 1) return undefined;
    return this.path(operand)[0] as string;
  }

  condition(node: ConditionNode): Predicate {
    return bare(() => bindCondition(node, this.maps));
  }

  update(ast: UpdateAst, keyNames: readonly string[]): (item: Item) => Item {
    const actions = bare(() => bindUpdate(ast, this.maps, keyNames));
    return (item) => applyActions(actions, item);
  }

  /** The document paths an update writes or removes, for RETURNING MODIFIED OLD / NEW. */
  updatedPaths(ast: UpdateAst): DocumentPath[] {
    return ast.actions.map((action) => this.path(action.path));
  }
}

/** The conditions joined by top-level ANDs. */
export function conjuncts(node: ConditionNode | undefined): ConditionNode[] {
  if (node === undefined) return [];
  if (node.kind === 'and') return [...conjuncts(node.left), ...conjuncts(node.right)];
  return [node];
}

/** `attribute = value` (either way round) among the top-level conjuncts, by attribute. */
export function equalities(where: ConditionNode | undefined, binding: Binding): Map<string, AttributeValue> {
  const found = new Map<string, AttributeValue>();
  for (const node of conjuncts(where)) {
    if (node.kind !== 'compare' || node.operator !== '=') continue;
    for (const [side, other] of [[node.left, node.right], [node.right, node.left]] as const) {
      const name = binding.attributeOf(side);
      const value = binding.valueOf(other);
      if (name !== undefined && value !== undefined && !found.has(name)) found.set(name, value);
    }
  }
  return found;
}
