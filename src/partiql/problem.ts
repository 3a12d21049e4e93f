/**
 * DynamoDB answers a statement it cannot parse with one ValidationException
 * text, "Statement wasn't well formed, can't be processed: " and a detail.
 */
import { validation } from '../protocol/errors.js';

export const MALFORMED = "Statement wasn't well formed, can't be processed: ";

export function malformed(detail: string): never {
  throw validation(`${MALFORMED}${detail}`);
}
