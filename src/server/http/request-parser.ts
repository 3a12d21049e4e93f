/**
 * An incremental HTTP/1.1 request parser: bytes in, whole requests out.
 *
 * node:http spends more CPU per request on its objects and streams than
 * Dynalith spends on a GetItem (docs/performance.md), and DynamoDB's protocol
 * needs little of HTTP: a request line, a few headers, a body read whole.
 * This parser produces exactly that, with the limits DynamoDB applies and
 * the framing rules (RFC 9112) that keep one request from being read as two.
 */

/** The other end of a connection, as every request on it carries it. */
export interface Peer {
  /** The client's IP address as the socket reports it (an IPv4-mapped IPv6 address written as IPv4); '' once unknown. */
  readonly address: string;
  /** Whether the connection is TLS (HTTPS): aws:SecureTransport. */
  readonly secure: boolean;
  /** Over TLS, what was negotiated (the audit log's tlsDetails). */
  readonly tls?: { readonly version: string; readonly cipher: string };
}

/** A request line, its headers and its whole body. */
export interface HttpRequest {
  /** Who sent it, over what. */
  readonly client: Peer;
  readonly method: string;
  /** The request target as sent, e.g. `/` or `/?X-Amz-Credential=...`. */
  readonly url: string;
  /** Header values by lower-case name (repeats: see HttpRequestParser). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body, or undefined when it was longer than the parser's limit and thrown away. */
  readonly body: Buffer | undefined;
  /** Whether the client lets the connection stay open after this request (HTTP/1.1 unless it says close). */
  readonly keepAlive: boolean;
  /** The client waits for `100 Continue` before sending the body. */
  readonly expectsContinue: boolean;
}

/** Bytes that are not an HTTP request; the connection answers `status` and closes. */
export class HttpParseError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 417 | 501,
    message: string,
  ) {
    super(message);
  }
}

export interface ParserLimits {
  /** Request line and headers together (DynamoDB: 16 KB, then a bare 400). */
  readonly headerBytes: number;
  /** Bodies longer than this are read and thrown away, and the request comes with `body` undefined. */
  readonly bodyBytes: number;
}

/**
 * Headers whose repeats are dropped, the first one counting, as node:http
 * does for these; other repeats are joined with ", ". Accept-Encoding is
 * among them because DynamoDB reads only the first (see compression.ts).
 */
const FIRST_ONE_COUNTS = new Set(['content-type', 'authorization', 'host', 'user-agent', 'accept-encoding', 'content-encoding', 'origin']);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible characters, space and tab, and obs-text; never a control character. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.([01])$/;
const DECIMAL = /^\d+$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]+)[\t ]*(;.*)?$/;
/** A chunk-size line, extensions included, longer than this is refused with 413 (node:http's limit). */
const MAX_CHUNK_LINE = 16 * 1024;

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers';

interface Pending {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | undefined>;
  readonly keepAlive: boolean;
  readonly expectsContinue: boolean;
  /** Body bytes kept so far; undefined once the body is over the limit. */
  chunks: Buffer[] | undefined;
  length: number;
  /** Handed over at its head already, being over the limit by its Content-Length. */
  early: boolean;
}

export class HttpRequestParser {
  private state: State = 'head';
  /** Unconsumed bytes of a line or head that has not ended yet. */
  private carry: Buffer | undefined;
  private current: Pending | undefined;
  /** Body bytes still to come: of a Content-Length body, or of the chunk being read. */
  private remaining = 0;
  private trailerBytes = 0;

  constructor(
    private readonly limits: ParserLimits,
    /**
     * A request is complete, or known to be over the limit by its
     * Content-Length: then it comes at once, with no body, and the body is
     * thrown away as it arrives (a client that waits for `100 Continue` will
     * not send it: answer such a request with the connection closing).
     */
    private readonly onRequest: (request: HttpRequest) => void,
    /** A client waiting for `100 Continue` before it sends a body within the limit. */
    private readonly onContinue: () => void,
    /** The connection's peer, which each request carries. */
    private readonly client: Peer,
  ) {}

  /** True between requests: nothing of a next request has arrived. */
  get idle(): boolean {
    return this.state === 'head' && this.carry === undefined;
  }

  /** Part of a request line or its headers has arrived, not all of them. */
  get readingHead(): boolean {
    return this.state === 'head' && this.carry !== undefined;
  }

  /** Consumes `chunk`, calling onRequest for each request it completes. Throws HttpParseError. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.carry !== undefined) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let at = 0;
    while (at < data.length) {
      switch (this.state) {
        case 'head':
          at = this.readHead(data, at, chunk.length);
          break;
        case 'body':
          at = this.readBody(data, at);
          if (this.remaining === 0) this.finish();
          break;
        case 'chunk-size':
          at = this.readChunkSize(data, at);
          break;
        case 'chunk-data':
          at = this.readBody(data, at);
          if (this.remaining === 0) this.state = 'chunk-end';
          break;
        case 'chunk-end':
          at = this.readChunkEnd(data, at);
          break;
        case 'trailers':
          at = this.readTrailers(data, at);
          break;
      }
    }
  }

  /** Reads a request line and headers, or keeps the bytes until they end; returns where it stopped. */
  private readHead(data: Buffer, at: number, newBytes: number): number {
    // Blank lines before a request line are allowed (RFC 9112 §2.2), e.g. after a body.
    while (at < data.length && (data[at] === CR || data[at] === LF)) at += 1;
    if (at === data.length) return at;
    // Only the new bytes (and three before them) can complete the blank line that ends the head.
    const end = data.indexOf('\r\n\r\n', Math.max(at, data.length - newBytes - 3));
    const headLength = end < 0 ? data.length - at : end - at;
    if (headLength > this.limits.headerBytes) throw new HttpParseError(400, 'request line and headers over the limit');
    if (end < 0) {
      // Refused at its first byte that cannot start a request, as llhttp does, not once the head is
      // complete: a client that sent a body without a length learns it from the answer before it.
      if (!startsLikeMethod(data, at)) throw new HttpParseError(400, 'malformed request line');
      this.carry = data.subarray(at);
      return data.length;
    }
    const request = this.parseHead(data.toString('latin1', at, end));
    this.current = request;
    return this.startBody(request, end + 4);
  }

  private parseHead(text: string): Pending {
    const lines = text.split('\r\n');
    const line = REQUEST_LINE.exec(lines[0]!);
    if (line === null) throw new HttpParseError(400, 'malformed request line');
    const headers: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
    for (let i = 1; i < lines.length; i++) {
      const field = lines[i]!;
      const colon = field.indexOf(':');
      const name = colon > 0 ? field.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw new HttpParseError(400, 'malformed header');
      const value = field.slice(colon + 1).trim();
      if (!FIELD_VALUE.test(value)) throw new HttpParseError(400, 'invalid character in a header value');
      const key = name.toLowerCase();
      const earlier = headers[key];
      if (earlier === undefined) headers[key] = value;
      else if (key === 'content-length' || key === 'transfer-encoding') throw new HttpParseError(400, `repeated ${key}`);
      else if (!FIRST_ONE_COUNTS.has(key)) headers[key] = `${earlier}, ${value}`;
    }
    const connection = headers.connection?.toLowerCase();
    const http10 = line[3] === '0';
    const keepAlive = connection === undefined ? !http10 : http10 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
    const expect = headers.expect?.toLowerCase();
    if (expect !== undefined && expect !== '100-continue') throw new HttpParseError(417, 'unsupported expectation');
    return {
      method: line[1]!,
      url: line[2]!,
      headers,
      keepAlive,
      expectsContinue: expect !== undefined && !http10,
      chunks: [],
      length: 0,
      early: false,
    };
  }

  /** Sets up reading the body the headers announce; returns `at`. */
  private startBody(request: Pending, at: number): number {
    const { headers } = request;
    const encoding = headers['transfer-encoding'];
    const declared = headers['content-length'];
    if (encoding !== undefined) {
      // A length beside chunked framing is how requests get smuggled (RFC 9112 §6.1).
      if (declared !== undefined) throw new HttpParseError(400, 'both Transfer-Encoding and Content-Length');
      if (encoding.toLowerCase() !== 'chunked') throw new HttpParseError(501, 'unsupported transfer coding');
      this.state = 'chunk-size';
      if (request.expectsContinue) this.onContinue();
      return at;
    }
    if (declared === undefined || declared === '0') {
      this.finish();
      return at;
    }
    if (!DECIMAL.test(declared)) throw new HttpParseError(400, 'malformed Content-Length');
    this.remaining = Number(declared);
    this.state = 'body';
    if (this.remaining > this.limits.bodyBytes) {
      request.chunks = undefined;
      request.early = true;
      this.onRequest(this.complete(request));
    } else if (request.expectsContinue) {
      this.onContinue();
    }
    return at;
  }

  /** Takes up to `remaining` body bytes, keeping them while the body is within the limit. */
  private readBody(data: Buffer, at: number): number {
    const take = Math.min(this.remaining, data.length - at);
    const request = this.current!;
    request.length += take;
    if (request.length > this.limits.bodyBytes) request.chunks = undefined;
    // A body that arrived with its head in one chunk stays a view of that chunk: no copy.
    request.chunks?.push(data.subarray(at, at + take));
    this.remaining -= take;
    return at + take;
  }

  /** Reads one line into `carry` when it has not ended; the line without its CRLF, or undefined. */
  private readLine(data: Buffer, at: number, limit: number, status: 400 | 413): { line: string; next: number } | undefined {
    const lf = data.indexOf(LF, at);
    const length = (lf < 0 ? data.length : lf) - at;
    if (length > limit) throw new HttpParseError(status, 'line over the limit');
    if (lf < 0) {
      this.carry = data.subarray(at);
      return undefined;
    }
    if (lf === at || data[lf - 1] !== CR) throw new HttpParseError(400, 'line not ended by CRLF');
    return { line: data.toString('latin1', at, lf - 1), next: lf + 1 };
  }

  private readChunkSize(data: Buffer, at: number): number {
    const read = this.readLine(data, at, MAX_CHUNK_LINE, 413);
    if (read === undefined) return data.length;
    const size = CHUNK_SIZE.exec(read.line);
    if (size === null) throw new HttpParseError(400, 'malformed chunk size');
    // Past 13 hex digits a size is beyond any body (and beyond exact doubles): over the limit.
    this.remaining = size[1]!.length > 13 ? Number.MAX_SAFE_INTEGER : parseInt(size[1]!, 16);
    if (this.remaining === 0) {
      this.state = 'trailers';
      this.trailerBytes = 0;
    } else {
      if (this.current!.length + this.remaining > this.limits.bodyBytes) this.current!.chunks = undefined;
      this.state = 'chunk-data';
    }
    return read.next;
  }

  private readChunkEnd(data: Buffer, at: number): number {
    if (data.length - at < 2) {
      this.carry = data.subarray(at);
      return data.length;
    }
    if (data[at] !== CR || data[at + 1] !== LF) throw new HttpParseError(400, 'chunk not ended by CRLF');
    this.state = 'chunk-size';
    return at + 2;
  }

  /** Trailer fields are read and ignored; a blank line ends the body. */
  private readTrailers(data: Buffer, at: number): number {
    const read = this.readLine(data, at, this.limits.headerBytes - this.trailerBytes, 400);
    if (read === undefined) return data.length;
    this.trailerBytes += read.line.length + 2;
    if (read.line === '') this.finish();
    return read.next;
  }

  private finish(): void {
    const request = this.current!;
    this.current = undefined;
    this.state = 'head';
    if (!request.early) this.onRequest(this.complete(request));
  }

  private complete(request: Pending): HttpRequest {
    const { chunks } = request;
    return {
      client: this.client,
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: chunks === undefined ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, request.length),
      keepAlive: request.keepAlive,
      expectsContinue: request.expectsContinue,
    };
  }
}

/** Token characters (RFC 9110 §5.6.2), by byte. */
const TOKEN_BYTE = new Uint8Array(256).map((_, byte) => (TOKEN.test(String.fromCharCode(byte)) ? 1 : 0));

/** Whether the bytes from `at` up to the first space (or the end) can be a method. */
function startsLikeMethod(data: Buffer, at: number): boolean {
  for (let i = at; i < data.length; i++) {
    if (data[i] === SP) return i > at;
    if (TOKEN_BYTE[data[i]!] === 0) return false;
  }
  return true;
}
