/**
 * What every API operation module exports: its name, its request shape (checked
 * before the operation runs) and its effect. Operation modules read like the
 * API reference: shape, then the checks in DynamoDB's order, then the effect.
 */
import type { StructureShape } from '../protocol/shape.js';
import type { Services } from '../engine/services.js';
import type { Principal, RequestOrigin } from '../security/principal.js';

/** The tenancy a request runs in: tables live in (account, region). */
export interface Namespace {
  readonly account: string;
  readonly region: string;
  /**
   * Who the request comes from (server/authentication.ts), set for every API
   * request. Absent where the server acts on its own (auto scaling changing
   * a table's capacity) and where a stored record (a table, an alarm) stands
   * for the place it lives in.
   */
  readonly principal?: Principal;
  /** Where the request came from (source address, TLS, user agent), for IAM's conditions; absent where the server acts on its own. */
  readonly origin?: RequestOrigin;
}

export interface OperationContext {
  readonly namespace: Namespace;
  readonly requestId: string;
  readonly services: Services;
}

/**
 * A response body that is already JSON text, so stored items can be sent
 * without a parse/stringify round trip.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export type ResponseBody = object | RawJson;

export interface Operation<Request = unknown> {
  /** The API name, as in `X-Amz-Target: DynamoDB_20120810.<name>`. */
  readonly name: string;
  readonly shape: StructureShape;
  execute(request: Request, context: OperationContext): Promise<ResponseBody> | ResponseBody;
}

export function defineOperation<Request>(operation: Operation<Request>): Operation<Request> {
  return operation;
}
