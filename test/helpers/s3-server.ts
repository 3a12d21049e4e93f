/**
 * A real S3-compatible server for tests: s3rver on a free port over a
 * temporary folder (in a process of its own: s3rver-process.ts says why),
 * behind a front that verifies SigV4 signatures. s3rver
 * itself checks only that the access key exists (its authentication
 * middleware says "Signature version 4 calculation is unimplemented"), so a
 * wrong secret would pass; the front recomputes each signature with the AWS
 * SDK's signer (@smithy/signature-v4, an implementation independent of
 * src/protocol/sigv4.ts) and the payload's hash, and answers as S3 does when
 * either differs.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

/** s3rver's one account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3Server {
  /** The verifying front's URL. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

function s3ErrorDocument(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Whether `incoming`, whose body is `body`, is signed with s3rver's secret; undefined when it names another access key (s3rver answers those). */
async function signatureMatches(incoming: IncomingMessage, body: Buffer): Promise<boolean | undefined> {
  const authorization = incoming.headers.authorization ?? '';
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (parsed === null) return false;
  const [, accessKeyId, , region, signedNames, provided] = parsed as unknown as [string, string, string, string, string, string];
  if (accessKeyId !== S3RVER_CREDENTIALS.accessKeyId) return undefined;
  const claimedHash = incoming.headers['x-amz-content-sha256'];
  if (claimedHash !== createHash('sha256').update(body).digest('hex')) return false;
  const url = new URL(incoming.url ?? '/', 'http://front');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const headers: Record<string, string> = {};
  for (const name of signedNames.split(';')) {
    const value = incoming.headers[name];
    if (value === undefined) return false;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`);
  const signer = new SignatureV4({ service: 's3', region, credentials: S3RVER_CREDENTIALS, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
  const signed = await signer.sign(
    { method: incoming.method ?? 'GET', protocol: 'http:', hostname: 'front', path: url.pathname, query, headers },
    { signingDate, signingRegion: region },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] === provided;
}

function forward(incoming: IncomingMessage, body: Buffer, response: ServerResponse, port: number): void {
  const upstream = request({ host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', (error) => response.destroy(error));
  upstream.end(body);
}

/** Starts s3rver with `buckets` and its verifying front, each on a free port of 127.0.0.1. */
export async function startS3Server(buckets: readonly string[]): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'dynalith-s3rver-'));
  const script = fileURLToPath(new URL('./s3rver-process.js', import.meta.url));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory, ...buckets], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /port (\d+)/.exec(out);
      if (match !== null) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`s3rver exited with ${String(code)} before listening`)));
  });
  const front: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      signatureMatches(incoming, body).then(
        (matches) => {
          if (matches === false) {
            s3ErrorDocument(response, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
          } else forward(incoming, body, response, port);
        },
        (error: Error) => s3ErrorDocument(response, 500, 'InternalError', error.message),
      );
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    async stop() {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      child.stdin.end();
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
