/**
 * The listening socket and its connections: accepts them, applies their
 * timeouts, and shuts down without cutting an answer short.
 */
import { createServer, type Server } from 'node:net';
import { HttpConnection, type ConnectionSettings, type RequestHandler } from './connection.js';

export type ListenerSettings = Omit<ConnectionSettings, 'stopping'>;

export interface HttpListener {
  /** The listening socket, to listen() on and read address() from. */
  readonly server: Server;
  /**
   * Stops accepting: idle connections close now, busy ones once their answer
   * is sent (it says `Connection: close`). Resolves once none is left.
   */
  stop(): Promise<void>;
  /** Destroys every connection, busy or not. */
  cutOff(): void;
}

/** How often idle and slow connections are looked at at most; the timeouts are this much late at most. */
const TIMEOUT_CHECK_MS = 1000;

export function createHttpListener(handler: RequestHandler, settings: ListenerSettings): HttpListener {
  const connections = new Set<HttpConnection>();
  let stopping = false;
  const connectionSettings: ConnectionSettings = { ...settings, stopping: () => stopping };
  // Half-open: a client may send its FIN right after its requests and still read the answers.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const connection = new HttpConnection(socket, handler, connectionSettings);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  const timer = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) connection.checkTimeouts(now);
  }, Math.min(TIMEOUT_CHECK_MS, settings.keepAliveMs / 4, settings.headersMs / 4));
  timer.unref();
  server.once('close', () => clearInterval(timer));
  let stopped: Promise<void> | undefined;
  return {
    server,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        stopping = true;
        // net.Server calls back once the last connection has closed.
        server.close(() => resolve());
        for (const connection of connections) connection.closeWhenIdle();
      });
      return stopped;
    },
    cutOff() {
      for (const connection of connections) connection.destroy();
    },
  };
}
