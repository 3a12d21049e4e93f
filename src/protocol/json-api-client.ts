/**
 * A minimal client of DynamoDB's JSON 1.0 protocol, for the operators'
 * commands and for a global table's replicas on other servers: one POST per
 * call, signed with SigV4 (the server checks signatures, as DynamoDB does),
 * the answer's JSON or its error.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { sha256Hex, sign, type Credentials } from './sigv4.js';

export interface ApiSettings {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: Credentials;
  /** The API's X-Amz-Target prefix (DynamoDB's by default). */
  readonly targetPrefix?: string;
  /** A call that has had no answer for this long fails (a server gone silent, a network cut). */
  readonly timeoutMs?: number;
}

/** A refusal by the server (its error type and message), or no answer at all (type ConnectionError). */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class DynamoApi {
  private readonly url: URL;
  /** Connections kept open between calls: a replicator calls its peers many times a second. */
  private readonly agent: HttpAgent;

  constructor(private readonly settings: ApiSettings) {
    this.url = new URL(settings.endpoint);
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  /** Calls `operation` with `input`; the answer is what the API reference documents for it. */
  async call<Output>(operation: string, input: object): Promise<Output> {
    const body = Buffer.from(JSON.stringify(input));
    const path = this.url.pathname === '' ? '/' : this.url.pathname;
    const headers: [string, string][] = [
      ['host', this.url.host],
      ['content-type', 'application/x-amz-json-1.0'],
      ['x-amz-target', `${this.settings.targetPrefix ?? 'DynamoDB_20120810.'}${operation}`],
    ];
    const payloadHash = sha256Hex(body);
    const signed = sign({ method: 'POST', path, headers, payloadHash }, this.settings.credentials, { region: this.settings.region, service: 'dynamodb' });
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = send(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path,
          agent: this.agent,
          headers: { ...Object.fromEntries(headers), ...signed, 'content-length': String(body.byteLength) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', (error) => reject(new ApiError('ConnectionError', `could not reach ${this.url.origin}: ${error.message}`)));
      request.setTimeout(this.settings.timeoutMs ?? 60_000, () => request.destroy(new Error(`no answer in ${this.settings.timeoutMs ?? 60_000} ms`)));
      request.end(body);
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError('InvalidResponse', `${this.url.origin} answered HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    if (status === 200) return parsed as Output;
    const error = (parsed ?? {}) as { __type?: unknown; message?: unknown; Message?: unknown };
    const type = typeof error.__type === 'string' ? error.__type.slice(error.__type.lastIndexOf('#') + 1) : `HTTP ${status}`;
    const message = typeof error.message === 'string' ? error.message : typeof error.Message === 'string' ? error.Message : '';
    throw new ApiError(type, message);
  }
}
