/**
 * The checks a request passes before anything reads its body: the client's
 * address (`--allow-from`), its request rate (`--client-rate-limit`), and
 * the browser rules (browser-access.ts). Each refusal is an answer, never a
 * closed connection, so a client learns why.
 */
import { ApiError, type MessageMember } from '../../protocol/errors.js';
import type { HttpRequest } from '../http/request-parser.js';
import type { Config } from '../../config.js';
import { parseAddressList } from './address-list.js';
import { browserRefusal, type BrowserPolicy } from './browser-access.js';
import { RequestRateLimiter } from './client-limits.js';

/** An error of the network layer, with a status and type of its own (not operations' errors: protocol/errors.ts). */
export class NetworkRefusal extends ApiError {
  readonly extra = undefined;
  constructor(
    readonly status: number,
    readonly fullType: string,
    readonly messageMember: MessageMember,
    message: string,
  ) {
    super(message);
  }
}

/** IAM's service prefixes of the APIs served, by their target prefix, for the action an access refusal names. */
const SERVICES: Readonly<Record<string, string>> = {
  DynamoDB_20120810: 'dynamodb',
  DynamoDBStreams_20120810: 'dynamodb',
  GraniteServiceVersion20100801: 'cloudwatch',
  AnyScaleFrontendService: 'application-autoscaling',
};

/**
 * A client outside `--allow-from` gets what a request through a VPC endpoint
 * whose policy does not allow it gets: an AccessDeniedException, status 400
 * as DynamoDB sends every AccessDeniedException (protocol/errors.ts), with
 * the message form AWS documents for a VPC endpoint policy's implicit deny
 * ("... is not authorized to perform: <action> because no VPC endpoint policy
 * allows the <action> action"). An answer rather than a connection closed at
 * accept: SDKs retry a dropped connection as a network fault, and the message
 * tells the developer which setting refused them; the body is never read.
 */
function notAllowedFrom(req: HttpRequest): NetworkRefusal {
  const target = req.headers['x-amz-target'] ?? '';
  const dot = target.indexOf('.');
  const service = SERVICES[target.slice(0, dot)];
  const action = service === undefined ? 'dynamodb:*' : `${service}:${target.slice(dot + 1)}`;
  const message = `User: anonymous is not authorized to perform: ${action} because no VPC endpoint policy allows the ${action} action (the client address ${req.client.address} is outside --allow-from)`;
  return new NetworkRefusal(400, 'com.amazon.coral.service#AccessDeniedException', 'Message', message);
}

/**
 * A client over `--client-rate-limit`: what AWS's front ends answer a caller
 * over an API's rate ("Rate exceeded", com.amazon.coral.availability's
 * ThrottlingException, as recorded from DynamoDB's control plane in
 * aws-sdk retry handlers and AWS's own test stubs). The SDKs retry it with backoff.
 */
const RATE_EXCEEDED = (): NetworkRefusal => new NetworkRefusal(400, 'com.amazon.coral.availability#ThrottlingException', 'message', 'Rate exceeded');

/** A browser's request refused (browser-access.ts): 403, as nothing of AWS's models it; no CORS headers go with it. */
const forbidden = (message: string): NetworkRefusal => new NetworkRefusal(403, 'com.amazon.coral.service#AccessDeniedException', 'Message', message);

export type RequestGate = (req: HttpRequest) => NetworkRefusal | undefined;

export function requestGate(config: Pick<Config, 'allowFrom' | 'clientRateLimit'>, browsers: BrowserPolicy): RequestGate {
  const allowFrom = config.allowFrom.length === 0 ? undefined : parseAddressList(config.allowFrom);
  const limiter = config.clientRateLimit === 0 ? undefined : new RequestRateLimiter(config.clientRateLimit);
  return (req) => {
    if (allowFrom !== undefined && !allowFrom.has(req.client.address)) return notAllowedFrom(req);
    if (limiter !== undefined && !limiter.take(req.client.address)) return RATE_EXCEEDED();
    const refusal = browserRefusal(req, browsers);
    return refusal === undefined ? undefined : forbidden(refusal);
  };
}
