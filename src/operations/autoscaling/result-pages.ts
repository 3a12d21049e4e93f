/**
 * MaxResults and NextToken of the Describe operations. A page holds at most
 * the operation's limit, which is also the default (API reference: 50
 * targets or activities, 10 policies); a larger MaxResults gets the limit.
 * The token names the last item handed out, so the next page starts after it;
 * a token that names no item (made up, or the item is gone) is refused. No
 * recording of AWS's texts for these refusals was found.
 */
import { AutoScalingError } from '../../protocol/autoscaling-errors.js';

export interface Page<T> {
  readonly items: T[];
  readonly NextToken?: string;
}

function decoded(token: string): string | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function resultPage<T>(items: readonly T[], keyOf: (item: T) => string, request: { MaxResults?: number; NextToken?: string }, limit: number): Page<T> {
  if (request.MaxResults !== undefined && request.MaxResults < 0) throw new AutoScalingError('ValidationException', 'MaxResults cannot be less than 0');
  let start = 0;
  if (request.NextToken !== undefined) {
    const after = decoded(request.NextToken);
    const position = after === undefined ? -1 : items.findIndex((item) => keyOf(item) === after);
    if (position < 0) throw new AutoScalingError('InvalidNextTokenException', 'Invalid NextToken');
    start = position + 1;
  }
  const size = Math.min(request.MaxResults ?? limit, limit);
  const shown = items.slice(start, start + size);
  const last = shown[shown.length - 1];
  if (last === undefined || start + size >= items.length) return { items: shown };
  return { items: shown, NextToken: Buffer.from(JSON.stringify(keyOf(last)), 'utf8').toString('base64url') };
}
