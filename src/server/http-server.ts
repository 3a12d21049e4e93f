/**
 * The HTTP front end: one endpoint speaking DynamoDB's JSON 1.0 protocol, plus
 * the health check and CORS preflight. Everything here is about bytes and
 * headers; what a request means is decided by the operation it names.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DynamoError } from '../protocol/errors.js';
import { authenticate } from './authentication.js';
import { dispatch } from './dispatch.js';
import { acceptedCoding, compress, COMPRESSION_THRESHOLD, decodeBody, tooLarge, type Coding } from './compression.js';
import { inTurn } from './pipelining.js';
import { crc32, requestId } from './wire.js';
import type { Services } from '../engine/services.js';
import type { Logger } from '../logger.js';

/** DynamoDB refuses request bodies over 16 MB. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * DynamoDB limits the request line and headers to 16 KB together, and answers
 * more with a bare 400 (ScyllaDB's test_manual_requests.py, run against
 * DynamoDB: test_too_large_request_headers and test_too_large_request_line).
 */
const MAX_HEADER_BYTES = 16 * 1024;

const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.0', 'application/json']);

// DynamoDB's answer to a request it does not route (a path other than /, a
// method other than POST, a body that is not JSON): a bare XML 404, as
// recorded in dynalite's test/connection.js.
const NOT_FOUND_BODY = '<UnknownOperationException/>\n';
const NOT_FOUND_HEADERS = {
  'Content-Type': 'text/xml',
  'x-amz-crc32': String(crc32(NOT_FOUND_BODY)),
  'Content-Length': String(Buffer.byteLength(NOT_FOUND_BODY)),
};

export interface HttpServerOptions {
  readonly services: Services;
  readonly logger: Logger;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const respond = (req: IncomingMessage, res: ServerResponse): void => {
    const id = requestId();
    handle(req, res, id, options).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request failed unexpectedly');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const failure = new DynamoError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
      sendError(req, res, id, failure)?.catch(() => res.destroy());
    });
  };
  // Pipelined requests run one after another, so a client that does not read its answers cannot make us buffer them.
  const server = createServer({ keepAliveTimeout: 60_000, maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => inTurn(req, res, respond));
  server.on('clientError', answerClientError);
  return server;
}

/**
 * A request Node could not parse. Oversized headers get DynamoDB's 400 where
 * Node would send 431; otherwise Node's own answers.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: ServerResponse | null }): void {
  // As Node does: no answer on a dead socket, nor into a response already under way.
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? '413 Payload Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nServer: Server\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, () => socket.destroy());
}

/**
 * Every answer's status line and headers, the request id among them, in one
 * writeHead call. A header set before it with setHeader sends Node down its
 * slower merging path (a few microseconds per request), which only CORS
 * requests still take. DynamoDB names itself "Server" in its Server header.
 * Once the server has stopped listening (see stopServing), no connection is
 * kept alive: Node then answers `Connection: close` and ends the socket.
 */
function head(res: ServerResponse, status: number, id: string, headers: Record<string, string>): void {
  if ((res.socket as (Socket & { server?: Server }) | null)?.server?.listening !== true) res.shouldKeepAlive = false;
  res.writeHead(status, { Server: 'Server', 'x-amzn-RequestId': id, ...headers });
}

/**
 * Shuts the listener: new connections are refused, idle keep-alive ones are
 * closed now, and a busy one closes once its request is answered (see head).
 * Connections still open after `timeoutMs`, or when `cutOff` is called, are
 * destroyed, so a shutdown is bounded even by clients that never finish a
 * request. `closed` resolves once no connection is left.
 */
export function stopServing(server: Server, timeoutMs: number): { readonly closed: Promise<void>; cutOff(): void } {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Node's close() closes the connections idle at this moment; those that
  // become idle later end after their answer.
  const cutOff = () => server.closeAllConnections();
  const timer = setTimeout(cutOff, timeoutMs);
  void closed.then(() => clearTimeout(timer));
  return { closed, cutOff };
}

/** Only / is DynamoDB's endpoint; a query string may carry presigned credentials. */
function routed(url: string | undefined): boolean {
  return url === '/' || (url !== undefined && url.startsWith('/?'));
}

async function handle(req: IncomingMessage, res: ServerResponse, id: string, options: HttpServerOptions): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined) applyCors(req, res);
  if (routed(req.url)) {
    if (req.method === 'POST') return answerApiRequest(req, res, id, options);
    if (req.method === 'GET' || req.method === 'HEAD') return healthCheck(req, res, id, options);
    // A preflight needs an Origin; without one DynamoDB does not route OPTIONS (dynalite's test/connection.js).
    if (req.method === 'OPTIONS' && origin !== undefined) {
      req.resume();
      head(res, 200, id, { 'Content-Length': '0' });
      res.end();
      return;
    }
  }
  req.resume();
  notFound(res, id);
}

async function answerApiRequest(req: IncomingMessage, res: ServerResponse, id: string, options: HttpServerOptions): Promise<void> {
  const raw = await readBody(req);
  if (raw === undefined) return sendError(req, res, id, tooLarge(MAX_REQUEST_BYTES));
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length > 0 && !JSON_CONTENT_TYPES.has(contentType)) {
    notFound(res, id);
    return;
  }
  const responseType = contentType === 'application/json' ? 'application/json' : 'application/x-amz-json-1.0';
  let body: string;
  try {
    const coding = req.headers['content-encoding'];
    const bytes = coding === undefined ? raw : await decodeBody(raw, coding, MAX_REQUEST_BYTES);
    body = await dispatch(req.headers['x-amz-target'], bytes, () => authenticate(req, options.services.config), options.services, id);
  } catch (error) {
    if (!(error instanceof DynamoError)) throw error;
    return sendError(req, res, id, error, responseType);
  }
  return send(req, res, id, 200, body, responseType);
}

function notFound(res: ServerResponse, id: string): void {
  head(res, 404, id, NOT_FOUND_HEADERS);
  res.end(NOT_FOUND_BODY);
}

/**
 * DynamoDB's health check answers with the Host it was asked by, and a
 * trailing space (dynalite's test/connection.js, recorded against DynamoDB;
 * ScyllaDB's test_health.py). Only this request builds the text.
 */
function healthCheck(req: IncomingMessage, res: ServerResponse, id: string, options: HttpServerOptions): void {
  req.resume();
  const body = `healthy: ${req.headers.host ?? `dynamodb.${options.services.config.defaultRegion}.amazonaws.com`} `;
  head(res, 200, id, {
    'Content-Type': 'text/plain',
    'x-amz-crc32': String(crc32(body)),
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(req.method === 'GET' ? body : undefined);
}

function applyCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'x-amzn-RequestId,x-amz-crc32');
  if (req.method !== 'OPTIONS') return;
  const headers = req.headers['access-control-request-headers'];
  const method = req.headers['access-control-request-method'];
  if (headers !== undefined) res.setHeader('Access-Control-Allow-Headers', headers);
  if (method !== undefined) res.setHeader('Access-Control-Allow-Methods', method);
  res.setHeader('Access-Control-Max-Age', '172800');
}

/** The whole body, or undefined once it grows past the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_REQUEST_BYTES) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)));
    req.on('error', reject);
  });
}

function sendError(req: IncomingMessage, res: ServerResponse, id: string, error: DynamoError, contentType = 'application/x-amz-json-1.0'): void | Promise<void> {
  const body: Record<string, unknown> = { __type: error.fullType };
  if (error.message !== '') body[error.messageMember] = error.message;
  if (error.extra) Object.assign(body, error.extra);
  return send(req, res, id, error.status, JSON.stringify(body), contentType);
}

/**
 * Sends a JSON text, compressed when it reaches DynamoDB's threshold and the
 * request accepts a coding (then asynchronously). The CRC32 is of the bytes sent.
 */
function send(req: IncomingMessage, res: ServerResponse, id: string, status: number, text: string, contentType: string): void | Promise<void> {
  const length = Buffer.byteLength(text);
  if (length >= COMPRESSION_THRESHOLD && req.headers['accept-encoding'] !== undefined) {
    const coding = acceptedCoding(req);
    if (coding !== undefined) return sendCompressed(res, id, status, text, contentType, coding);
  }
  // A string body lets Node send headers and body in one write.
  head(res, status, id, {
    'Content-Type': contentType,
    'x-amz-crc32': String(crc32(text)),
    'Content-Length': String(length),
  });
  res.end(text);
}

async function sendCompressed(res: ServerResponse, id: string, status: number, text: string, contentType: string, coding: Coding): Promise<void> {
  const payload = await compress(text, coding);
  head(res, status, id, {
    'Content-Type': contentType,
    'Content-Encoding': coding,
    'x-amz-crc32': String(crc32(payload)),
    'Content-Length': String(payload.length),
  });
  res.end(payload);
}
