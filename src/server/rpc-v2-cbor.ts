/**
 * Smithy's RPC v2 CBOR protocol (smithy.io, "Smithy RPC v2 CBOR protocol"),
 * for the APIs that opt in (`rpcV2` in dispatch.ts: CloudWatch, whose model
 * lists this protocol first): `POST /service/<service>/operation/<operation>`
 * with `Smithy-Protocol: rpc-v2-cbor` and CBOR bodies.
 *
 * A request is transcoded into the JSON text the API's JSON protocol would
 * carry and dispatched as that, under the target `<service>.<operation>`;
 * the JSON answer is transcoded back. So the operations, their checks, their
 * order and their errors are the JSON protocol's, and DynamoDB's JSON path
 * has nothing added to it. The price, a JSON serialisation and parse more
 * each way, is paid only by this protocol's requests.
 */
import { ApiError, DynamoError, errorBody } from '../protocol/errors.js';
import { CborError, decodeCbor, encodeCbor } from '../protocol/cbor.js';
import { dispatch, rpcV2Api, type RpcV2Protocol } from './dispatch.js';
import type { CallOrigin } from '../features/audit/audit-log.js';
import type { HttpRequest } from './http/request-parser.js';
import type { Namespace } from '../operations/operation.js';
import type { Services } from '../engine/services.js';

/** The header lines of every answer in this protocol, errors included (the spec's response headers). */
export const RPC_V2_HEADERS = 'Smithy-Protocol: rpc-v2-cbor\r\nContent-Type: application/cbor\r\n';

export const RPC_V2_CONTENT_TYPE = 'application/cbor';

// The spec's path, without a prefix (Dynalith configures none) or a query.
const PATH = /^\/service\/([^/?#]+)\/operation\/([^/?#]+)$/;

export interface RpcV2Route {
  /** The JSON protocol's X-Amz-Target for the same call. */
  readonly target: string;
  readonly protocol: RpcV2Protocol;
}

/**
 * The call a request makes if this protocol claims it: the spec's header and
 * path, POST, and a service served in the protocol. Anything else is not
 * this protocol's, and gets the endpoint's 404.
 */
export function rpcV2Route(req: HttpRequest): RpcV2Route | undefined {
  if (req.method !== 'POST' || req.headers['smithy-protocol'] !== 'rpc-v2-cbor') return undefined;
  const path = PATH.exec(req.url);
  if (path === null) return undefined;
  const api = rpcV2Api(path[1]!);
  return api === undefined ? undefined : { target: api.prefix + path[2]!, protocol: api.protocol };
}

/** Runs the call and answers with its CBOR body; a refusal is thrown as the ApiError the JSON protocol would answer. */
export async function rpcV2Call(
  req: HttpRequest,
  route: RpcV2Route,
  bytes: Buffer,
  authenticate: (service: string) => Namespace,
  services: Services,
  requestId: string,
  origin?: CallOrigin,
): Promise<Buffer> {
  // The spec: such a request is malformed and servers MUST reject it. It names no error; this is the one for a malformed body.
  if (req.headers['x-amz-target'] !== undefined || req.headers['x-amzn-target'] !== undefined) {
    throw new DynamoError('SerializationException', 'An RPC v2 CBOR request must not carry an X-Amz-Target header');
  }
  // The spec: an empty body is an empty input structure.
  const json = bytes.length === 0 ? '{}' : jsonOf(bytes);
  const answer = await dispatch(route.target, Buffer.from(json), authenticate, services, requestId, origin);
  return asBuffer(encodeCbor(fromJson(answer, route.protocol.timestamps)));
}

export function rpcV2ErrorBody(error: ApiError): Buffer {
  return asBuffer(encodeCbor(errorBody(error)));
}

/**
 * The request as the JSON protocol's text. A body that is not CBOR gets the
 * answer to a body that is not JSON, SerializationException, with what is
 * wrong with it as its message.
 */
function jsonOf(bytes: Buffer): string {
  let request: unknown;
  try {
    request = decodeCbor(bytes);
  } catch (error) {
    if (error instanceof CborError) throw new DynamoError('SerializationException', error.message);
    throw error;
  }
  return JSON.stringify(request, jsonValue);
}

/**
 * What the JSON protocols carry for values JSON has no literal for: blobs as
 * base64 text, and non-finite doubles as the strings "NaN", "Infinity" and
 * "-Infinity" (the AWS JSON protocols' convention), which the shapes then
 * judge as they judge those strings sent in JSON.
 */
function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return asBuffer(value).toString('base64');
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** The answer's JSON text as CBOR's values: timestamps as Dates (encoded with tag 1), null members left out, as the spec asks. */
function fromJson(text: string, timestamps: ReadonlySet<string>): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown): unknown {
    if (value === null && !Array.isArray(this)) return undefined;
    if (!timestamps.has(key)) return value;
    return Array.isArray(value) ? value.map(asDate) : asDate(value);
  });
}

function asDate(value: unknown): unknown {
  return typeof value === 'number' ? new Date(value * 1000) : value;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
