/** AttributesToGet: a projection of whole top-level attributes. */
import { validation } from '../protocol/errors.js';
import type { Projection } from './index.js';
import { PathProjection } from './projection.js';

export function attributesToGetProjection(attributesToGet: unknown): Projection {
  const names = Array.isArray(attributesToGet) ? attributesToGet.map(String) : [];
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw validation(`One or more parameter values were invalid: Duplicate value in attribute name: ${duplicate}`);
  }
  return new PathProjection(names.map((name) => [name]));
}
