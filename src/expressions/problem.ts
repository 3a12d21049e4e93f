/**
 * An expression error before it is given its parameter's name: DynamoDB words
 * the same fault `Invalid ConditionExpression: ...` or `Invalid FilterExpression: ...`
 * depending on where the text came from, and only the facade knows that.
 */
export class ExpressionProblem extends Error {}

export function problem(detail: string): never {
  throw new ExpressionProblem(detail);
}
