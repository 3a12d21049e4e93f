/**
 * The HTTP front end: one endpoint speaking DynamoDB's JSON 1.0 protocol, plus
 * the health check and CORS preflight. Everything here is about bytes and
 * headers; what a request means is decided by the operation it names.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { DynamoError } from '../protocol/errors.js';
import { authenticate } from './authentication.js';
import { dispatch } from './dispatch.js';
import { crc32, requestId } from './wire.js';
import type { Services } from '../engine/services.js';
import type { Logger } from '../logger.js';

const gunzipAsync = promisify(gunzip);

/** DynamoDB refuses request bodies over 16 MB. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.0', 'application/json']);

export interface HttpServerOptions {
  readonly services: Services;
  readonly logger: Logger;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const id = requestId();
    handle(req, res, id, options).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request failed unexpectedly');
      if (!res.headersSent) sendError(res, id, new DynamoError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.'), false);
      else res.destroy();
    });
  });
  return server;
}

/**
 * Every answer's status line and headers, the request id among them, in one
 * writeHead call. A header set before it with setHeader sends Node down its
 * slower merging path (a few microseconds per request), which only CORS
 * requests still take.
 */
function head(res: ServerResponse, status: number, id: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'x-amzn-RequestId': id, ...headers });
}

async function handle(req: IncomingMessage, res: ServerResponse, id: string, options: HttpServerOptions): Promise<void> {
  if (req.headers.origin !== undefined) applyCors(req, res);
  if (req.method === 'OPTIONS') {
    head(res, 200, id, { 'Content-Length': '0' });
    res.end();
    req.resume();
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    const body = `healthy: dynamodb.${options.services.config.defaultRegion}.amazonaws.com `;
    head(res, 200, id, { 'Content-Type': 'text/plain', 'x-amz-crc32': String(crc32(Buffer.from(body))) });
    res.end(req.method === 'GET' ? body : undefined);
    return;
  }
  const gzipWanted = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const raw = await readBody(req);
  if (raw === undefined) {
    head(res, 413, id, { 'Content-Type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazon.coral.service#RequestEntityTooLarge', message: `Request size exceeded ${MAX_REQUEST_BYTES} bytes` }));
    return;
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (req.method !== 'POST' || (raw.length > 0 && !JSON_CONTENT_TYPES.has(contentType))) {
    // DynamoDB answers requests it cannot route with a bare XML 404.
    const body = '<UnknownOperationException/>\n';
    head(res, 404, id, { 'Content-Type': 'text/xml', 'x-amz-crc32': String(crc32(Buffer.from(body))) });
    res.end(body);
    return;
  }
  let bytes = raw;
  if ((req.headers['content-encoding'] ?? '').toLowerCase().includes('gzip')) {
    try {
      bytes = await gunzipAsync(raw, { maxOutputLength: MAX_REQUEST_BYTES });
    } catch {
      sendError(res, id, new DynamoError('SerializationException', 'Could not decompress the request body'), gzipWanted);
      return;
    }
  }
  const responseType = contentType === 'application/json' ? 'application/json' : 'application/x-amz-json-1.0';
  try {
    const body = await dispatch(req.headers['x-amz-target'], bytes, () => authenticate(req, options.services.config), options.services, id);
    send(res, id, 200, body, responseType, gzipWanted);
  } catch (error) {
    if (!(error instanceof DynamoError)) throw error;
    sendError(res, id, error, gzipWanted, responseType);
  }
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

function sendError(res: ServerResponse, id: string, error: DynamoError, gzipWanted: boolean, contentType = 'application/x-amz-json-1.0'): void {
  const body: Record<string, unknown> = { __type: error.fullType };
  if (error.message !== '') body.message = error.message;
  if (error.extra) Object.assign(body, error.extra);
  send(res, id, error.status, JSON.stringify(body), contentType, gzipWanted);
}

function send(res: ServerResponse, id: string, status: number, text: string, contentType: string, gzipWanted: boolean): void {
  if (gzipWanted) {
    const payload = gzipSync(text);
    head(res, status, id, {
      'Content-Type': contentType,
      'Content-Encoding': 'gzip',
      'x-amz-crc32': String(crc32(payload)),
      'Content-Length': String(payload.length),
    });
    res.end(payload);
    return;
  }
  // A string body lets Node send headers and body in one write.
  head(res, status, id, {
    'Content-Type': contentType,
    'x-amz-crc32': String(crc32(text)),
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
