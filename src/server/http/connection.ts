/**
 * One client connection: requests parsed from its bytes are answered one at
 * a time, in the order they came, each answer in a single write.
 *
 * HTTP/1.1 lets a client send requests without waiting for the answers
 * (pipelining). They are taken in turn: the next one starts only once the
 * answer before it has been handed to the kernel, and the socket is not read
 * while a parsed request waits. A client that sends requests but never reads
 * the answers therefore holds at most one answer in this process, and what it
 * sends meanwhile waits in the kernel's buffers. Pipelined requests also take
 * effect in the order they were sent (a PutItem then a GetItem of the same
 * item), as their answers come back.
 */
import type { Socket } from 'node:net';
import { HttpParseError, HttpRequestParser, type HttpRequest, type ParserLimits, type Peer } from './request-parser.js';

/** How an answer goes back: a status, header lines each ending in CRLF, and the body (undefined for HEAD). */
export interface Reply {
  send(status: number, headers: string, body: string | Buffer | undefined): void;
}

export type RequestHandler = (request: HttpRequest, reply: Reply) => void;

export interface ConnectionSettings extends ParserLimits {
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveMs: number;
  /** A request's line and headers must arrive within this long of its first byte (else 408). */
  readonly headersMs: number;
  /** A whole request must arrive within this long of its first byte (else 408). */
  readonly requestMs: number;
  /** True once the server is shutting down: answers close their connection. */
  readonly stopping: () => boolean;
  /** Header lines (each ending in CRLF) of the bare answers to bytes that are not a request. */
  readonly refusalHeaders: string;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  417: 'Expectation Failed',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * Sockets whose answers wait for the end of this event-loop turn. A write to
 * a client on the same machine wakes it when it sleeps, and on a VM a wake-up
 * costs the writing process more than the rest of a small request: answers
 * written one by one as each is ready wake the client once per answer, while
 * answers written together at the end of the turn find it awake after the
 * first. The answers of one turn go out in the check phase, after every
 * socket ready in the poll phase has been read.
 */
const corked = new Set<Socket>();
let uncorkScheduled = false;

function uncorkAll(): void {
  uncorkScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

function writeAtEndOfTurn(socket: Socket): void {
  if (corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}

/** The Date header, as HTTP formats it, made again only when the second changes. */
let dateSecond = -1;
let dateLine = '';
function dateHeader(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return dateLine;
}

export class HttpConnection {
  private readonly parser: HttpRequestParser;
  private readonly waiting: HttpRequest[] = [];
  /** A request handed to the handler whose answer has not been sent, or not yet drained. */
  private answering = false;
  private pumping = false;
  /** End the connection once the requests taken so far are answered. */
  private closing = false;
  /** The client has sent its FIN: no further request can come. */
  private inputEnded = false;
  /** Bytes that are not HTTP: answered with this status once the requests before them are. */
  private failure: HttpParseError | undefined;
  /** When the first byte of a request still being received came (0: none). */
  private receivingSince = 0;
  /** When the connection last became idle between requests (0: not idle). */
  private idleSince: number;
  private readonly keepAliveLine: string;

  constructor(
    private readonly socket: Socket,
    private readonly handler: RequestHandler,
    private readonly settings: ConnectionSettings,
    client: Peer,
  ) {
    this.parser = new HttpRequestParser(
      settings,
      (request) => this.received(request),
      () => this.continueBody(),
      client,
    );
    this.idleSince = Date.now();
    this.keepAliveLine = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(settings.keepAliveMs / 1000)}\r\n`;
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    // The server allows half-open sockets, so answers still owed go out after the client's FIN.
    socket.on('end', () => this.endOfInput());
    socket.on('error', () => socket.destroy());
  }

  /** Between requests, with nothing owed: safe to close without cutting anything short. */
  get idle(): boolean {
    return !this.answering && this.waiting.length === 0 && this.parser.idle;
  }

  /** Closes the connection if it is idle now, or once its current answers are sent. */
  closeWhenIdle(): void {
    if (this.idle) this.socket.destroy();
    else this.closing = true;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Applies the timeouts; called about once a second by the listener. */
  checkTimeouts(now: number): void {
    if (this.receivingSince !== 0 && !this.answering && this.waiting.length === 0) {
      const limit = this.parser.readingHead ? this.settings.headersMs : this.settings.requestMs;
      if (now - this.receivingSince > limit) this.refuse(new HttpParseError(408, 'request timeout'));
    } else if (this.idleSince !== 0 && now - this.idleSince > this.settings.keepAliveMs) {
      this.socket.destroy();
    }
  }

  private read(chunk: Buffer): void {
    // After a refusal or an answer that closes, whatever else the client sends is not read.
    if (this.failure !== undefined || this.socket.writableEnded) return;
    this.idleSince = 0;
    try {
      this.parser.push(chunk);
    } catch (error) {
      if (!(error instanceof HttpParseError)) throw error;
      this.failure = error;
    }
    if (!this.parser.idle && this.receivingSince === 0) this.receivingSince = Date.now();
    this.pump();
    // A parsed request waits for the one being answered: stop reading until it has its turn.
    if (this.answering && (this.waiting.length > 0 || this.failure !== undefined)) this.socket.pause();
  }

  /** A request is complete, or arrived at its head because it is over the limit. */
  private received(request: HttpRequest): void {
    this.waiting.push(request);
    this.receivingSince = 0;
  }

  /** Tells a client waiting to send its body to go ahead, unless an earlier answer is still owed (it would come first). */
  private continueBody(): void {
    if (!this.answering && this.waiting.length === 0) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
  }

  private endOfInput(): void {
    this.inputEnded = true;
    this.pump();
  }

  /** Hands waiting requests to the handler, one at a time, until one is answered later or none is left. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (!this.answering) {
      const request = this.waiting.shift();
      if (request === undefined) break;
      this.answering = true;
      let sent = false;
      this.handler(request, {
        send: (status, headers, body) => {
          if (sent) return;
          sent = true;
          this.send(request, status, headers, body);
        },
      });
    }
    this.pumping = false;
    if (this.answering || this.waiting.length > 0) return;
    if (this.failure !== undefined) return this.refuse(this.failure);
    // A request cut off by the client's FIN will never be complete.
    if (this.inputEnded || (this.closing && this.parser.idle)) return void this.socket.end();
    if (this.parser.idle) this.idleSince = Date.now();
    if (this.socket.isPaused()) this.socket.resume();
  }

  private send(request: HttpRequest, status: number, headers: string, body: string | Buffer | undefined): void {
    if (this.socket.destroyed) return;
    // Bytes after this request were not HTTP: the client must not send more on this connection.
    const close = this.closing || this.failure !== undefined || !request.keepAlive || this.settings.stopping() || (request.body === undefined && request.expectsContinue);
    const head = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}\r\n${headers}${dateHeader(Date.now())}${close ? 'Connection: close\r\n' : this.keepAliveLine}\r\n`;
    writeAtEndOfTurn(this.socket);
    let flushed: boolean;
    if (typeof body === 'string' && !NOT_ASCII.test(head)) {
      flushed = this.socket.write(head + body);
    } else {
      // Header values a client had sent may hold Latin-1 characters, sent as single bytes as node:http does.
      this.socket.write(head, 'latin1');
      flushed = body === undefined || this.socket.write(body);
    }
    if (close) {
      this.closing = true;
      this.socket.end();
      return;
    }
    if (flushed) this.answered();
    else this.socket.once('drain', () => this.answered());
  }

  private answered(): void {
    this.answering = false;
    this.pump();
  }

  /** Answers bytes that are not a request (or came too slowly) with a bare status, and closes. */
  private refuse(error: HttpParseError): void {
    this.failure = error;
    if (this.socket.writableEnded) return;
    this.socket.end(`HTTP/1.1 ${error.status} ${REASONS[error.status]}\r\n${this.settings.refusalHeaders}Content-Length: 0\r\nConnection: close\r\n\r\n`);
  }
}
