/** Raw HTTP requests to a server, for what the SDKs never send: bad bodies, wrong headers. */
import { request } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  json(): Record<string, unknown>;
}

export const FAKE_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000';

export interface RawOptions {
  readonly method?: string;
  /** The request target; / unless given. */
  readonly path?: string;
  readonly target?: string;
  readonly body?: string | Buffer;
  /** A list sends the header once per value, in order. */
  readonly headers?: Record<string, string | string[]>;
  /** Leave out the Authorization header. */
  readonly unsigned?: boolean;
  /** Fail with an error when no whole answer has come within this many ms. */
  readonly deadlineMs?: number;
}

export function rawRequest(endpoint: string, options: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(endpoint);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/x-amz-json-1.0',
    ...(options.target ? { 'X-Amz-Target': options.target } : {}),
    ...(options.unsigned ? {} : { Authorization: FAKE_AUTHORIZATION }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: options.path ?? '/', method: options.method ?? 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body.toString('utf8')) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.deadlineMs !== undefined) {
      const deadline = options.deadlineMs;
      req.setTimeout(deadline, () => req.destroy(new Error(`no answer within ${deadline} ms`)));
    }
    req.end(options.body);
  });
}
