/**
 * Buckets of an S3-compatible endpoint (`--s3-endpoint`: AWS S3, MinIO, ...),
 * spoken to over node:http(s) with path-style addresses
 * (`<endpoint>/<bucket>/<key>`) and SigV4 signatures, so no SDK is needed at
 * run time. Four calls: HeadBucket (check), PutObject, GetObject and
 * ListObjectsV2, whose pages are followed to the end.
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { createHash } from 'node:crypto';
import { BucketError, inKeyOrder, validBucketName, type BucketErrorCode, type Buckets, type ObjectBucket, type ObjectSummary } from './bucket.js';
import { xmlElements, xmlText } from './s3-xml.js';
import { EMPTY_PAYLOAD_HASH, canonicalQuery, encodePath, sha256Hex, sign, type Credentials } from '../../protocol/sigv4.js';

export interface S3EndpointSettings {
  /** http:// or https://, optionally with a path the bucket names go under. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: Credentials;
  /** How long a request may go without any bytes moving before it counts as Unavailable. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** S3's limit on a key: 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/** S3's error codes as the BucketError exports and imports understand; others are kept in the message. */
const ERROR_CODES: Readonly<Record<string, BucketErrorCode>> = {
  NoSuchBucket: 'NoSuchBucket',
  InvalidBucketName: 'NoSuchBucket',
  NoSuchKey: 'NoSuchKey',
  KeyTooLongError: 'InvalidKey',
  AccessDenied: 'AccessDenied',
  AllAccessDisabled: 'AccessDenied',
  SignatureDoesNotMatch: 'AccessDenied',
  InvalidAccessKeyId: 'AccessDenied',
  InvalidToken: 'AccessDenied',
  ExpiredToken: 'AccessDenied',
  TokenRefreshRequired: 'AccessDenied',
  RequestTimeTooSkewed: 'AccessDenied',
  AuthorizationHeaderMalformed: 'AccessDenied',
  PermanentRedirect: 'AccessDenied',
};

interface Response {
  readonly status: number;
  readonly body: Buffer;
  /** Content-Length, for HeadObject. */
  readonly contentLength?: number;
}

interface S3Request {
  readonly method: 'HEAD' | 'GET' | 'PUT';
  readonly key?: string;
  readonly query?: readonly (readonly [string, string])[];
  readonly body?: Uint8Array;
  /** A GetObject of these bytes only (inclusive), as its Range header says. */
  readonly range?: readonly [number, number];
}

/** How much of an object a streamed read fetches per GetObject. */
const STREAM_CHUNK_BYTES = 8 * 1024 * 1024;

export class S3Buckets implements Buckets {
  private readonly url: URL;
  private readonly agent: HttpAgent;

  constructor(private readonly settings: S3EndpointSettings) {
    this.url = new URL(settings.endpoint);
    const options = { keepAlive: true, maxSockets: 16 };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  }

  open(name: string): ObjectBucket {
    return new S3Bucket(name, (bucketRequest) => this.send(name, bucketRequest));
  }

  /** Closes the idle connections kept for reuse. */
  close(): void {
    this.agent.destroy();
  }

  private async send(bucket: string, s3Request: S3Request): Promise<Response> {
    try {
      return await this.sendOnce(bucket, s3Request, false);
    } catch (error) {
      // A kept-alive connection the server closed meanwhile fails at once: one more try on a fresh one.
      if (error instanceof StaleConnection) return this.sendOnce(bucket, s3Request, true);
      throw error;
    }
  }

  private sendOnce(bucket: string, s3Request: S3Request, fresh: boolean): Promise<Response> {
    const base = this.url.pathname.replace(/\/+$/, '');
    const path = `${base}${encodePath(`/${bucket}${s3Request.key === undefined ? '' : `/${s3Request.key}`}`)}`;
    const query = canonicalQuery(s3Request.query ?? []);
    const body = s3Request.body;
    const payloadHash = body === undefined ? EMPTY_PAYLOAD_HASH : sha256Hex(body);
    const headers: [string, string][] = [
      ['host', this.url.host],
      ['x-amz-content-sha256', payloadHash],
    ];
    if (body !== undefined) headers.push(['content-md5', createHash('md5').update(body).digest('base64')]);
    if (s3Request.range !== undefined) headers.push(['range', `bytes=${s3Request.range[0]}-${s3Request.range[1]}`]);
    const signed = sign({ method: s3Request.method, path, query: s3Request.query ?? [], headers, payloadHash }, this.settings.credentials, {
      region: this.settings.region,
      service: 's3',
    });
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          method: s3Request.method,
          path: query === '' ? path : `${path}?${query}`,
          headers: { ...Object.fromEntries(headers), ...signed, ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }) },
          agent: fresh ? false : this.agent,
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          const length = response.headers['content-length'];
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), ...(length === undefined ? {} : { contentLength: Number(length) }) }));
          response.on('error', (error) => reject(this.unavailable(error)));
        },
      );
      request.setTimeout(this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) => {
        reject(request.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection() : this.unavailable(error));
      });
      request.end(body);
    });
  }

  private unavailable(error: Error): BucketError {
    return new BucketError('Unavailable', `The S3 endpoint ${this.url.origin} could not be reached: ${error.message}`);
  }
}

class StaleConnection extends Error {}

class S3Bucket implements ObjectBucket {
  constructor(
    readonly name: string,
    private readonly send: (request: S3Request) => Promise<Response>,
  ) {}

  private async call(request: S3Request, expected: readonly number[] = [200]): Promise<Response> {
    if (!validBucketName(this.name)) throw new BucketError('NoSuchBucket', `The specified bucket is not valid: ${this.name}`);
    if (request.key !== undefined && (request.key === '' || Buffer.byteLength(request.key) > MAX_KEY_BYTES)) {
      throw new BucketError('InvalidKey', `Object key not supported by S3: ${request.key}`);
    }
    const response = await this.send(request);
    if (!expected.includes(response.status)) throw s3Error(response, request);
    return response;
  }

  async check(): Promise<void> {
    await this.call({ method: 'HEAD' });
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.call({ method: 'PUT', key, body });
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.call({ method: 'GET', key })).body;
  }

  /**
   * HeadObject for the size, then GetObjects of a few MB each (Range), so
   * memory holds one range whatever the object's size; an object of one range
   * or less (an empty one has no byte to name) is read with a plain GET.
   */
  async *stream(key: string): AsyncGenerator<Uint8Array> {
    const size = (await this.call({ method: 'HEAD', key })).contentLength ?? 0;
    if (size <= STREAM_CHUNK_BYTES) {
      yield (await this.call({ method: 'GET', key })).body;
      return;
    }
    for (let from = 0; from < size; from += STREAM_CHUNK_BYTES) {
      yield (await this.call({ method: 'GET', key, range: [from, Math.min(size, from + STREAM_CHUNK_BYTES) - 1] }, [206])).body;
    }
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    const found: ObjectSummary[] = [];
    let token: string | undefined;
    do {
      const query: [string, string][] = [['list-type', '2']];
      if (prefix !== '') query.push(['prefix', prefix]);
      if (token !== undefined) query.push(['continuation-token', token]);
      const page = (await this.call({ method: 'GET', query })).body.toString('utf8');
      for (const contents of xmlElements(page, 'Contents')) {
        const key = xmlText(contents, 'Key');
        const size = Number(xmlText(contents, 'Size'));
        if (key === undefined || !Number.isSafeInteger(size)) throw new BucketError('Unavailable', 'ListObjectsV2 answered a Contents element without Key or Size');
        found.push({ key, size });
      }
      token = xmlText(page, 'IsTruncated') === 'true' ? xmlText(page, 'NextContinuationToken') : undefined;
    } while (token !== undefined);
    // S3 lists in this order already; some compatible servers do not (s3rver lists in its folders' order).
    return inKeyOrder(found);
  }
}

/** A refusal as a BucketError: S3's error document when there is one (HEAD answers carry none: the status decides). */
function s3Error(response: Response, request: S3Request): BucketError {
  const text = response.body.toString('utf8');
  const code = xmlText(text, 'Code');
  const message = xmlText(text, 'Message');
  if (code !== undefined) {
    const known = ERROR_CODES[code];
    if (known !== undefined) return new BucketError(known, message ?? code);
    return new BucketError(response.status >= 500 ? 'Unavailable' : 'AccessDenied', `${code}: ${message ?? `HTTP status ${response.status}`}`);
  }
  if (response.status === 404 && request.key !== undefined) return new BucketError('NoSuchKey', `The specified key does not exist: ${request.key}`);
  if (response.status === 404) return new BucketError('NoSuchBucket', 'The specified bucket does not exist');
  if (response.status === 403) return new BucketError('AccessDenied', 'Access Denied');
  return new BucketError('Unavailable', `The S3 endpoint answered HTTP status ${response.status}`);
}
