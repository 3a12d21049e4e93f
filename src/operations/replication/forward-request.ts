/**
 * ForwardRequest: a write or strongly consistent read of a table of
 * multi-Region strong consistency, made in another region, run here in the
 * leading region (features/replication/strong-consistency.ts). The request
 * is DynamoDB's own, checked here as any is; a write is answered once every
 * replica has applied it. Its DynamoDB error comes back as part of the
 * answer, so the caller answers its client with the same error.
 */
import { defineOperation, RawJson, type Operation } from '../operation.js';
import { str, struct, checkShape } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { findOperation } from '../registry.js';
import { awaitReplicated, forwardable, isItemWrite, isStronglyConsistent, type ForwardedAnswer } from '../../features/replication/strong-consistency.js';

interface ForwardRequestRequest {
  readonly Operation: string;
  /** The request's body as its client sent it (JSON). */
  readonly Request: string;
}

export const forwardRequest = defineOperation<ForwardRequestRequest>({
  name: 'ForwardRequest',
  shape: struct('ForwardRequestInput', { Operation: str({ required: true }), Request: str({ required: true }) }),
  async execute(request, context): Promise<ForwardedAnswer> {
    const found = forwardable(request.Operation) ? findOperation(request.Operation) : undefined;
    if (found === undefined) throw validation(`Operation ${request.Operation} is not one a peer forwards`);
    const operation: Operation<unknown> = await found;
    let body: unknown;
    try {
      body = JSON.parse(request.Request);
    } catch {
      throw validation('Request is not valid JSON');
    }
    try {
      const input = checkShape(body, operation.shape);
      const result = await operation.execute(input, context);
      const table = context.services.catalog.get(context.namespace, (input as { TableName: string }).TableName);
      if (isItemWrite(request.Operation) && isStronglyConsistent(table)) await awaitReplicated(context.services, table);
      return { Response: text(result) };
    } catch (error) {
      if (!(error instanceof DynamoError)) throw error;
      return { Error: { Type: error.type, Message: error.message, ...(error.extra !== undefined ? { Extra: { ...error.extra } } : {}) } };
    }
  },
});

function text(result: unknown): string {
  return result instanceof RawJson ? result.text : JSON.stringify(result);
}
