/**
 * The HTTP front end: one endpoint speaking DynamoDB's JSON 1.0 protocol (and,
 * for the APIs that opt in, Smithy's RPC v2 CBOR: rpc-v2-cbor.ts), plus
 * the health check and CORS preflight. Everything here is about bytes and
 * headers; what a request means is decided by the operation it names.
 */
import { ApiError, DynamoError, errorBody, INTERNAL_FAILURE_MESSAGE } from '../protocol/errors.js';
import { accessKeyIdOf, type Authenticate } from './authentication.js';
import { dispatch } from './dispatch.js';
import { compress, COMPRESSION_THRESHOLD, decodeBody, preferredCoding, tooLarge, type Coding } from './compression.js';
import { crc32, requestId } from './wire.js';
import { RPC_V2_CONTENT_TYPE, RPC_V2_HEADERS, rpcV2Call, rpcV2ErrorBody, rpcV2Route, type RpcV2Route } from './rpc-v2-cbor.js';
import { createHttpListener, type HttpListener } from './http/listener.js';
import type { CallOrigin } from '../features/audit/audit-log.js';
import { requestGate, type RequestGate } from './network/request-gate.js';
import { corsHeaders, type BrowserPolicy } from './network/browser-access.js';
import type { Reply } from './http/connection.js';
import type { HttpRequest } from './http/request-parser.js';
import type { Services } from '../engine/services.js';
import type { Logger } from '../logger.js';
import type { PrometheusExposition } from '../features/metrics/prometheus.js';

/** DynamoDB refuses request bodies over 16 MB. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * DynamoDB limits the request line and headers to 16 KB together, and answers
 * more with a bare 400 (ScyllaDB's test_manual_requests.py, run against
 * DynamoDB: test_too_large_request_headers and test_too_large_request_line).
 */
const MAX_HEADER_BYTES = 16 * 1024;

/** node:http's default, kept when it was replaced: a slow client's request is cut off, not waited for. */
const REQUEST_TIMEOUT_MS = 300_000;

// JSON 1.1: Application Auto Scaling's SDKs.
const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/json']);

/** DynamoDB names itself "Server" in its Server header (recorded through boto3). */
const SERVER = 'Server: Server\r\n';

// DynamoDB's answer to a request it does not route (a path other than /, a
// method other than POST, a body that is not JSON): a bare XML 404, as
// recorded in dynalite's test/connection.js.
const NOT_FOUND_BODY = '<UnknownOperationException/>\n';
const NOT_FOUND_HEADERS = `Content-Type: text/xml\r\nx-amz-crc32: ${crc32(NOT_FOUND_BODY)}\r\nContent-Length: ${Buffer.byteLength(NOT_FOUND_BODY)}\r\n`;

export interface HttpServerOptions {
  readonly services: Services;
  readonly logger: Logger;
  /** How every API request's caller is established (server/authentication.ts). */
  readonly authenticate: Authenticate;
  /** PEM certificate and key, read from --tls-cert and --tls-key: the server speaks HTTPS. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

/** What handling a request needs besides the request: the services, and the network rules it is checked against first. */
interface Context extends HttpServerOptions {
  readonly gate: RequestGate;
  readonly browsers: BrowserPolicy;
}

export function createHttpServer(options: HttpServerOptions): HttpListener {
  const { config } = options.services;
  const browsers: BrowserPolicy = { cors: config.cors, allowedHosts: config.allowedHosts };
  const context: Context = { ...options, browsers, gate: requestGate(config, browsers) };
  const respond = (req: HttpRequest, reply: Reply): void => {
    const id = requestId();
    handle(req, reply, id, context).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request failed unexpectedly');
      const failure = new DynamoError('InternalFailure', INTERNAL_FAILURE_MESSAGE);
      // An answer already sent stays the answer: a Reply sends once.
      const answer: Answer = { reply, headers: `${SERVER}x-amzn-RequestId: ${id}\r\n` };
      sendError(req, answer, failure)?.catch(() => reply.send(500, `${answer.headers}Content-Length: 0\r\n`, ''));
    });
  };
  return createHttpListener(respond, {
    headerBytes: MAX_HEADER_BYTES,
    bodyBytes: MAX_REQUEST_BYTES,
    headersMs: config.headersTimeoutMs,
    // A whole request may take longer than its headers, never less.
    requestMs: Math.max(REQUEST_TIMEOUT_MS, config.headersTimeoutMs),
    keepAliveMs: config.keepAliveTimeoutMs,
    refusalHeaders: SERVER,
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
}

/**
 * Shuts the listener: new connections are refused, idle keep-alive ones are
 * closed now, and a busy one closes once its request is answered. Connections
 * still open after `timeoutMs`, or when `cutOff` is called, are destroyed, so
 * a shutdown is bounded even by clients that never finish a request. `closed`
 * resolves once no connection is left.
 */
export function stopServing(listener: HttpListener, timeoutMs: number): { readonly closed: Promise<void>; cutOff(): void } {
  const closed = listener.stop();
  const cutOff = () => listener.cutOff();
  const timer = setTimeout(cutOff, timeoutMs);
  void closed.then(() => clearTimeout(timer));
  return { closed, cutOff };
}

/** Only / is DynamoDB's endpoint; a query string may carry presigned credentials. */
function routed(url: string): boolean {
  return url === '/' || url.startsWith('/?');
}

/**
 * Where a request's answer goes, with the header lines every answer to it
 * carries: the Server, its request id and, for a browser's request, CORS.
 */
interface Answer {
  readonly reply: Reply;
  readonly headers: string;
}

async function handle(req: HttpRequest, reply: Reply, id: string, options: Context): Promise<void> {
  const refusal = options.gate(req);
  if (refusal !== undefined) return sendError(req, { reply, headers: `${SERVER}x-amzn-RequestId: ${id}\r\n` }, refusal);
  // Past the gate, an Origin is one allowed to read the answers.
  const origin = req.headers.origin;
  const answer: Answer = { reply, headers: `${SERVER}x-amzn-RequestId: ${id}\r\n${origin === undefined ? '' : corsHeaders(req, origin, options.browsers)}` };
  if (req.url === '/metrics' && (req.method === 'GET' || req.method === 'HEAD') && options.services.metrics.enabled) return prometheusScrape(req, answer, options);
  if (routed(req.url)) {
    if (req.method === 'POST') return answerApiRequest(req, answer, id, options);
    if (req.method === 'GET' || req.method === 'HEAD') return healthCheck(req, answer, options);
    // A preflight needs an Origin; without one DynamoDB does not route OPTIONS (dynalite's test/connection.js).
    if (req.method === 'OPTIONS' && origin !== undefined) return reply.send(200, `${answer.headers}Content-Length: 0\r\n`, '');
  } else {
    const route = rpcV2Route(req);
    if (route !== undefined) return answerRpcV2Request(req, answer, route, id, options);
  }
  reply.send(404, answer.headers + NOT_FOUND_HEADERS, NOT_FOUND_BODY);
}

async function answerApiRequest(req: HttpRequest, answer: Answer, id: string, options: HttpServerOptions): Promise<void> {
  const raw = req.body;
  if (raw === undefined) return sendError(req, answer, tooLarge(MAX_REQUEST_BYTES));
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length > 0 && !JSON_CONTENT_TYPES.has(contentType)) return answer.reply.send(404, answer.headers + NOT_FOUND_HEADERS, NOT_FOUND_BODY);
  const responseType = JSON_CONTENT_TYPES.has(contentType) ? contentType : 'application/x-amz-json-1.0';
  let body: string;
  try {
    const coding = req.headers['content-encoding'];
    const bytes = coding === undefined ? raw : await decodeBody(raw, coding, MAX_REQUEST_BYTES);
    body = await dispatch(req.headers['x-amz-target'], bytes, (service) => options.authenticate(req, service), options.services, id, callOrigin(req, options));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return sendError(req, answer, error, responseType);
  }
  return send(req, answer, 200, body, responseType);
}

/** A call in Smithy's RPC v2 CBOR protocol (rpc-v2-cbor.ts): the same checks and limits, its own headers and bodies. */
async function answerRpcV2Request(req: HttpRequest, answer: Answer, route: RpcV2Route, id: string, options: HttpServerOptions): Promise<void> {
  const raw = req.body;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // As on the JSON endpoint, a body of another media type is not routed.
  if (raw !== undefined && raw.length > 0 && contentType !== RPC_V2_CONTENT_TYPE) return answer.reply.send(404, answer.headers + NOT_FOUND_HEADERS, NOT_FOUND_BODY);
  let status = 200;
  let headers = answer.headers;
  let body: Buffer;
  try {
    if (raw === undefined) throw tooLarge(MAX_REQUEST_BYTES);
    const coding = req.headers['content-encoding'];
    const bytes = coding === undefined ? raw : await decodeBody(raw, coding, MAX_REQUEST_BYTES);
    body = await rpcV2Call(req, route, bytes, (service) => options.authenticate(req, service), options.services, id, callOrigin(req, options));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    status = error.status;
    headers += error.headerLines;
    body = rpcV2ErrorBody(error);
  }
  answer.reply.send(status, `${headers}${RPC_V2_HEADERS}Content-Length: ${body.length}\r\n`, body);
}

/** The caller's side of a call, for the audit log and IAM's conditions: only built when one of them looks. */
function callOrigin(req: HttpRequest, options: HttpServerOptions): CallOrigin | undefined {
  if (options.services.audit === undefined && options.services.config.auth === 'none') return undefined;
  const host = req.headers.host;
  return {
    sourceIp: req.client.address,
    userAgent: req.headers['user-agent'],
    accessKeyId: accessKeyIdOf(req),
    tls: req.client.tls === undefined ? undefined : { tlsVersion: req.client.tls.version, cipherSuite: req.client.tls.cipher, ...(host === undefined ? {} : { clientProvidedHostHeader: host }) },
  };
}

/**
 * DynamoDB's health check answers with the Host it was asked by, and a
 * trailing space (dynalite's test/connection.js, recorded against DynamoDB;
 * ScyllaDB's test_health.py). Only this request builds the text.
 */
function healthCheck(req: HttpRequest, answer: Answer, options: HttpServerOptions): void {
  const body = `healthy: ${req.headers.host ?? `dynamodb.${options.services.config.defaultRegion}.amazonaws.com`} `;
  const headers = `${answer.headers}Content-Type: text/plain\r\nx-amz-crc32: ${crc32(body)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  answer.reply.send(200, headers, req.method === 'GET' ? body : undefined);
}

/** Each server's exposition; its module (and prom-client) is loaded on the first scrape, since most servers are never scraped. */
const expositions = new WeakMap<Services, Promise<PrometheusExposition>>();

async function prometheusScrape(req: HttpRequest, answer: Answer, options: HttpServerOptions): Promise<void> {
  const { services } = options;
  let exposition = expositions.get(services);
  if (exposition === undefined) {
    exposition = import('../features/metrics/prometheus.js').then(({ PrometheusExposition }) => new PrometheusExposition(services));
    expositions.set(services, exposition);
  }
  const prometheus = await exposition;
  const body = await prometheus.text();
  const headers = `${answer.headers}Content-Type: ${prometheus.contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  answer.reply.send(200, headers, req.method === 'GET' ? body : undefined);
}

function sendError(req: HttpRequest, answer: Answer, error: ApiError, contentType = 'application/x-amz-json-1.0'): void | Promise<void> {
  const headers = error.headerLines;
  return send(req, headers === '' ? answer : { ...answer, headers: answer.headers + headers }, error.status, JSON.stringify(errorBody(error)), contentType);
}

/**
 * Sends a JSON text, compressed when it reaches DynamoDB's threshold and the
 * request accepts a coding (then asynchronously). The CRC32 is of the bytes sent.
 */
function send(req: HttpRequest, answer: Answer, status: number, text: string, contentType: string): void | Promise<void> {
  const length = Buffer.byteLength(text);
  const accepted = req.headers['accept-encoding'];
  if (length >= COMPRESSION_THRESHOLD && accepted !== undefined) {
    const coding = preferredCoding(accepted);
    if (coding !== undefined) return sendCompressed(answer, status, text, contentType, coding);
  }
  answer.reply.send(status, `${answer.headers}Content-Type: ${contentType}\r\nx-amz-crc32: ${crc32(text)}\r\nContent-Length: ${length}\r\n`, text);
}

async function sendCompressed(answer: Answer, status: number, text: string, contentType: string, coding: Coding): Promise<void> {
  const payload = await compress(text, coding);
  const headers = `${answer.headers}Content-Type: ${contentType}\r\nContent-Encoding: ${coding}\r\nx-amz-crc32: ${crc32(payload)}\r\nContent-Length: ${payload.length}\r\n`;
  answer.reply.send(status, headers, payload);
}
