/**
 * A keep-alive DynamoDB JSON client on undici's `Pool.dispatch`, the cheapest
 * HTTP client Node has: the load generator shares two cores with the server
 * under test, and every microsecond it spends per request is one the server
 * cannot use. (node:http's client needed 60–100 µs of CPU per request on the
 * 2-core VM, about twice the ceiling server's own, so it, not the server, set
 * the pace; undici needs about as much as the ceiling: see docs/performance.md.)
 * Requests carry a well-formed but fake SigV4 header: every target accepts any
 * credentials.
 */
import { Pool, type Dispatcher } from 'undici';

/** The headers every request carries; the credential scope names the region the request is for. */
function commonHeaders(region: string): string[] {
  return [
    'content-type',
    'application/x-amz-json-1.0',
    'x-amz-date',
    '20260101T000000Z',
    'authorization',
    `AWS4-HMAC-SHA256 Credential=bench/20260101/${region}/dynamodb/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  ];
}

export interface Reply {
  readonly status: number;
  /** Kept only when asked for, or when the answer is an error. */
  readonly body: string | undefined;
}

/**
 * Collects one answer. It implements undici's original handler callbacks
 * (onHeaders/onData/onComplete) rather than the newer controller-based ones:
 * undici 7 wraps a new-style handler in an adapter that also parses every
 * response's headers into an object, work this client never needs.
 */
class ReplyHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private chunks: Buffer[] | undefined;

  constructor(
    private readonly keepBody: boolean,
    private readonly resolve: (reply: Reply) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    if (this.keepBody || statusCode !== 200) this.chunks = [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks?.push(chunk);
    return true;
  }

  onComplete(): void {
    this.resolve({ status: this.status, body: this.chunks === undefined ? undefined : Buffer.concat(this.chunks).toString('utf8') });
  }

  onError(error: Error): void {
    this.reject(error);
  }
}

export class Client {
  private readonly pool: Pool;
  /** Header lists per operation, built once: only X-Amz-Target differs between them. */
  private readonly headers = new Map<string, string[]>();

  private readonly common: string[];

  /** `connections` keep-alive sockets, one request at a time on each (no pipelining, as SDK clients do), for `region`. */
  constructor(endpoint: string, connections: number, region = 'us-east-1') {
    this.pool = new Pool(endpoint, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
    this.common = commonHeaders(region);
  }

  private headersFor(operation: string): string[] {
    let headers = this.headers.get(operation);
    if (headers === undefined) {
      headers = [...this.common, 'x-amz-target', `DynamoDB_20120810.${operation}`];
      this.headers.set(operation, headers);
    }
    return headers;
  }

  send(operation: string, payload: string, keepBody = false): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.pool.dispatch({ method: 'POST', path: '/', headers: this.headersFor(operation), body: payload }, new ReplyHandler(keepBody, resolve, reject));
    });
  }

  /** For setup: the parsed answer, or an error carrying the target's own message. */
  async call(operation: string, body: object | string): Promise<Record<string, unknown>> {
    const reply = await this.send(operation, typeof body === 'string' ? body : JSON.stringify(body), true);
    if (reply.status !== 200) throw new Error(`${operation} answered ${reply.status}: ${reply.body}`);
    return JSON.parse(reply.body!) as Record<string, unknown>;
  }

  /** Closes the sockets; requests still in flight fail. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
