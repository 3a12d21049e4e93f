/** Request members the Streams API operations share, as DynamoDB Streams declares them. */
import { str } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';

export const streamArnMember = (required: boolean) => str({ required, minLength: 37, maxLength: 1024 });
export const shardIdMember = (required: boolean) => str({ required, minLength: 28, maxLength: 65 });

/**
 * A page size, defaulting to the maximum. The API model declares only a
 * minimum (checked with the shape), so a larger Limit is refused by the
 * operation itself, in words of its own; the words are DynamoDB Local
 * 3.3.1's, and which one an operation uses differs.
 */
export function checkLimit(limit: number | undefined, max: number, refusal: string): number {
  if (limit !== undefined && limit > max) throw validation(`One or more parameter values were invalid: ${refusal}: ${max}`);
  return limit ?? max;
}
