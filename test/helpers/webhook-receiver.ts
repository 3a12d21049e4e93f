/**
 * An HTTP server standing in for an alarm webhook: it keeps every JSON body
 * POSTed to it. `failFirst` answers 500 to the first delivery of a message
 * whose AlarmName it accepts, to see deliveries retried.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  readonly url: string;
  readonly received: Record<string, unknown>[];
  /** How many deliveries were answered 500. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(failFirst: (alarmName: string) => boolean = () => false): Promise<WebhookReceiver> {
  const received: Record<string, unknown>[] = [];
  const failed = new Set<string>();
  let refused = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const name = String(message['AlarmName']);
      const key = `${name}\u0000${String(message['NewStateValue'])}`;
      if (failFirst(name) && !failed.has(key)) {
        failed.add(key);
        refused++;
        response.writeHead(500).end();
        return;
      }
      received.push(message);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get refused() {
      return refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A URL nothing listens on: a port taken and given back. */
export async function deadWebhookUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/down`;
}

/** Polls `probe` until it returns something, for up to `ms`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
