/**
 * The projection a read of whole items asks for (GetItem, and each table of
 * BatchGetItem and TransactGetItems), from ProjectionExpression or the legacy
 * AttributesToGet.
 */
import { attributesToGetProjection, requestExpressions, type Projection } from '../../expressions/index.js';

export interface ProjectionRequest {
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly AttributesToGet?: string[];
}

/** The request's projection, or undefined for the whole item. Unused expression attribute names are refused. */
export function projectionOf(request: ProjectionRequest): Projection | undefined {
  if (request.ProjectionExpression !== undefined) {
    const expressions = requestExpressions(request.ExpressionAttributeNames, undefined);
    const projection = expressions.projection(request.ProjectionExpression);
    expressions.finish();
    return projection;
  }
  return request.AttributesToGet === undefined ? undefined : attributesToGetProjection(request.AttributesToGet);
}
