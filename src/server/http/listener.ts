/**
 * The listening socket and its connections: accepts them (within the
 * connection limits, and through TLS when the server speaks HTTPS), applies
 * their timeouts, and shuts down without cutting an answer short.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { HttpConnection, type ConnectionSettings, type RequestHandler } from './connection.js';
import { ConnectionCounter } from '../network/client-limits.js';
import type { Peer } from './request-parser.js';

export interface ListenerSettings extends Omit<ConnectionSettings, 'stopping'> {
  /** Open connections in all, and from one address; one more is answered a bare 503 and closed. */
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** PEM certificate (chain) and key: every connection is TLS, and one that does not start a handshake is answered 400. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

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

/** A TLS record's first byte when it carries a handshake (RFC 8446 §5.1): what a client's first bytes on an HTTPS port are. */
const TLS_HANDSHAKE = 0x16;

/** The address as a client would write it: an IPv4 client of a dual-stack socket is reported as ::ffff:a.b.c.d. */
function clientAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function createHttpListener(handler: RequestHandler, settings: ListenerSettings): HttpListener {
  const connections = new Set<HttpConnection>();
  /** Sockets of an HTTPS port whose handshake has not ended: not yet connections, still to be cut off. */
  const handshaking = new Set<Socket>();
  const counter = new ConnectionCounter(settings.maxConnections, settings.maxConnectionsPerIp);
  let stopping = false;
  const connectionSettings: ConnectionSettings = { ...settings, stopping: () => stopping };
  const serve = (socket: Socket, client: Peer) => {
    const connection = new HttpConnection(socket, handler, connectionSettings, client);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  };
  const secureContext = settings.tls && createSecureContext({ cert: settings.tls.cert, key: settings.tls.key });
  /** TLS over an accepted socket (which reads the bytes put back first); served once the handshake is done, within the header timeout. */
  const handshake = (socket: Socket, address: string, context: SecureContext) => {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: context });
    const timeout = setTimeout(() => secure.destroy(), settings.headersMs);
    // A failed handshake (bytes that only looked like one, a client that does not trust the certificate) ends the socket: nothing to answer.
    secure.on('error', () => secure.destroy());
    secure.once('close', () => clearTimeout(timeout));
    secure.once('secure', () => {
      clearTimeout(timeout);
      handshaking.delete(socket);
      const cipher = secure.getCipher();
      serve(secure, { address, secure: true, tls: { version: secure.getProtocol() ?? '', cipher: cipher.standardName ?? cipher.name } });
    });
  };
  // Half-open: a client may send its FIN right after its requests and still read the answers.
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const address = clientAddress(socket);
    if (stopping || !counter.open(address)) {
      // Too many connections: a bare 503, which the SDKs retry after a pause (none on an HTTPS port, which cannot be read).
      socket.on('error', () => socket.destroy());
      if (secureContext) socket.destroy();
      else socket.end(`HTTP/1.1 503 Service Unavailable\r\n${settings.refusalHeaders}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    socket.once('close', () => counter.close(address));
    if (secureContext === undefined) return serve(socket, { address, secure: false });
    handshaking.add(socket);
    socket.once('close', () => handshaking.delete(socket));
    socket.on('error', () => socket.destroy());
    // A client that never sends a byte is closed after the header timeout, as one that never finishes its headers.
    socket.setTimeout(settings.headersMs, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(first);
      if (first[0] === TLS_HANDSHAKE) return handshake(socket, address, secureContext);
      handshaking.delete(socket);
      const body = 'This port speaks HTTPS (TLS): use an https:// endpoint.\n';
      socket.end(`HTTP/1.1 400 Bad Request\r\n${settings.refusalHeaders}Content-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
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
        for (const socket of handshaking) socket.destroy();
      });
      return stopped;
    },
    cutOff() {
      for (const connection of connections) connection.destroy();
      for (const socket of handshaking) socket.destroy();
    },
  };
}
