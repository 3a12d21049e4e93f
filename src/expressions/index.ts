/**
 * The expression facade item operations call.
 *
 * Per request: `requestExpressions(names, values)` validates both maps, then
 * each expression of the request is bound through it (in the order DynamoDB
 * checks them: UpdateExpression, ConditionExpression, KeyConditionExpression,
 * FilterExpression, ProjectionExpression), then `finish()` reports unused
 * names and values. Every error is a DynamoError (ValidationException).
 *
 * Legacy parameters (Expected, AttributesToGet, AttributeUpdates) produce the
 * same Condition / Projection / Update shapes.
 */
import type { Item } from '../model/attribute-value.js';
import type { ConditionNode } from './ast.js';
import { validation } from '../protocol/errors.js';
import { AttributeMaps } from './attribute-maps.js';
import { bindCondition, conditionPaths } from './condition.js';
import type { DocumentPath } from './document-path.js';
import { bindKeyCondition, type KeyTerm } from './key-condition.js';
import { parseCached } from './parse-cached.js';
import { ExpressionProblem, problem } from './problem.js';
import { bindProjection } from './projection.js';
import { conditionFacts, projectionFacts, updateFacts, type ExpressionFacts } from './static-checks.js';
import { applyActions, bindUpdate, updatePaths } from './update.js';

export { expectedCondition, filterCondition } from './legacy-expected.js';
export { attributesToGetProjection } from './legacy-projection.js';
export { attributeUpdates } from './legacy-updates.js';
export { keyAttributeUpdated } from './update.js';
export { PathProjection } from './projection.js';
export { keyConditionsTerms, type KeyOperator, type KeyTerm } from './key-condition.js';
export type { DocumentPath } from './document-path.js';

export interface Condition {
  /** `item` is undefined when there is no item (e.g. PutItem on a new key). */
  evaluate(item: Item | undefined): boolean;
}

/** A condition that also tells which paths it reads (a ConditionExpression or FilterExpression). */
export interface Filter extends Condition {
  readonly paths: readonly DocumentPath[];
}

/**
 * A bound KeyConditionExpression. DynamoDB reports the other expressions'
 * faults before the key-condition-only ones, so those wait for `terms()`.
 */
export interface KeyCondition {
  terms(): KeyTerm[];
}

export interface Projection {
  apply(item: Item): Item;
  readonly topLevelNames: readonly string[];
  readonly paths: readonly DocumentPath[];
}

export interface Update {
  /** Returns a new item; never mutates its input. */
  apply(item: Item): Item;
  /** The document paths the update writes or removes, for UPDATED_OLD / UPDATED_NEW. */
  readonly updatedPaths: readonly DocumentPath[];
  /** Every document path the update reads or writes. */
  readonly paths: readonly DocumentPath[];
  /** True when every action removes (REMOVE, DELETE): such an update leaves a missing item missing. */
  readonly onlyRemoves: boolean;
}

export type ConditionParameter = 'ConditionExpression' | 'FilterExpression';

export interface RequestExpressions {
  condition(text: string, param: ConditionParameter): Filter;
  keyCondition(text: string): KeyCondition;
  filter(text: string): Filter;
  projection(text: string): Projection;
  update(text: string): Update;
  /** Throws the unused-ExpressionAttributeNames / -Values error, names first. */
  finish(): void;
}

/** Runs `bind`, giving expression problems their parameter's `Invalid X: ` prefix. */
function named<T>(param: string, bind: () => T): T {
  try {
    return bind();
  } catch (error) {
    if (error instanceof ExpressionProblem) throw validation(`Invalid ${param}: ${error.message}`);
    throw error;
  }
}

export function requestExpressions(names: unknown, values: unknown): RequestExpressions {
  const maps = new AttributeMaps(names, values);
  /** Runs `bind`, then the check DynamoDB makes last: the expression's size once substituted. */
  const sized = <T>(text: string, facts: ExpressionFacts, bind: () => T): T => {
    const bound = bind();
    const found = maps.substitutedSizeProblem(text, facts.placeholders);
    return found ? problem(found) : bound;
  };
  const sizedCondition = <T>(text: string, bind: (root: ConditionNode) => T): T => {
    const root = parseCached('condition', text);
    return sized(text, conditionFacts(root), () => bind(root));
  };
  const condition = (text: string, param: ConditionParameter): Filter =>
    named(param, () => sizedCondition(text, (root) => ({ evaluate: bindCondition(root, maps), paths: conditionPaths(root, maps) })));
  return {
    condition,
    keyCondition(text) {
      return { terms: named('KeyConditionExpression', () => sizedCondition(text, (root) => bindKeyCondition(root, maps))) };
    },
    filter(text) {
      return condition(text, 'FilterExpression');
    },
    projection(text) {
      return named('ProjectionExpression', () => {
        const ast = parseCached('projection', text);
        return sized(text, projectionFacts(ast), () => bindProjection(ast, maps));
      });
    },
    // Key attributes are the caller's to check once the table is known and
    // the condition held (the order DynamoDB Local 3.3.1 reports them in).
    update(text) {
      return named('UpdateExpression', () => {
        const ast = parseCached('update', text);
        const actions = sized(text, updateFacts(ast), () => bindUpdate(ast, maps, []));
        return {
          apply: (item: Item) => applyActions(actions, item),
          updatedPaths: Object.freeze(actions.map((action) => action.path)),
          paths: Object.freeze(updatePaths(ast, maps)),
          onlyRemoves: actions.every((action) => action.kind === 'REMOVE' || action.kind === 'DELETE'),
        };
      });
    },
    finish() {
      maps.assertAllUsed();
    },
  };
}
