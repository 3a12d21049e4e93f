/**
 * A keep-alive DynamoDB JSON client on bare node:http, cheap enough that the
 * load generator leaves as much of the shared cores as it can to the server under test.
 * Requests carry a well-formed but fake SigV4 header: every target accepts any
 * credentials.
 */
import { Agent, request } from 'node:http';

const HEADERS = {
  'Content-Type': 'application/x-amz-json-1.0',
  'X-Amz-Date': '20260101T000000Z',
  Authorization:
    'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, ' +
    `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
};

export interface Reply {
  readonly status: number;
  /** Kept only when asked for, or when the answer is an error. */
  readonly body: string | undefined;
}

export class Client {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(endpoint: string, connections: number) {
    const url = new URL(endpoint);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(operation: string, payload: string, keepBody = false): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method: 'POST',
          path: '/',
          headers: { ...HEADERS, 'X-Amz-Target': `DynamoDB_20120810.${operation}`, 'Content-Length': Buffer.byteLength(payload) },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.once('error', reject);
          if (status === 200 && !keepBody) {
            res.resume();
            res.once('end', () => resolve({ status, body: undefined }));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.once('error', reject);
      req.end(payload);
    });
  }

  /** For setup: the parsed answer, or an error carrying the target's own message. */
  async call(operation: string, body: object | string): Promise<Record<string, unknown>> {
    const reply = await this.send(operation, typeof body === 'string' ? body : JSON.stringify(body), true);
    if (reply.status !== 200) throw new Error(`${operation} answered ${reply.status}: ${reply.body}`);
    return JSON.parse(reply.body!) as Record<string, unknown>;
  }

  close(): void {
    this.agent.destroy();
  }
}
