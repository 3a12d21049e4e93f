/** AttributesToGet: a projection of whole top-level attributes. */
import { checkAttributeName } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';
import type { Projection } from './index.js';
import { PathProjection } from './projection.js';

/** Names are checked in order, each before it is compared with those before it (DynamoDB Local 3.3.1). */
export function attributesToGetProjection(attributesToGet: unknown): Projection {
  const names = Array.isArray(attributesToGet) ? attributesToGet.map(String) : [];
  const seen = new Set<string>();
  for (const name of names) {
    checkAttributeName(name);
    if (seen.has(name)) throw validation(`One or more parameter values were invalid: Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  return new PathProjection(names.map((name) => [name]));
}
