import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpParseError, HttpRequestParser, type HttpRequest } from '../../src/server/http/request-parser.js';

const LIMITS = { headerBytes: 16 * 1024, bodyBytes: 1000 };

interface Parsed {
  readonly requests: HttpRequest[];
  continues: number;
}

function parserFor(limits = LIMITS): { parser: HttpRequestParser; parsed: Parsed } {
  const parsed: Parsed = { requests: [], continues: 0 };
  const parser = new HttpRequestParser(
    limits,
    (request) => parsed.requests.push(request),
    () => (parsed.continues += 1),
    { address: '127.0.0.1', secure: false },
  );
  return { parser, parsed };
}

/** Parses `wire` fed in the given pieces. */
function parse(pieces: readonly (string | Buffer)[], limits = LIMITS): Parsed {
  const { parser, parsed } = parserFor(limits);
  for (const piece of pieces) parser.push(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece);
  return parsed;
}

function refusal(pieces: readonly string[], limits = LIMITS): number {
  try {
    parse(pieces, limits);
  } catch (error) {
    assert.ok(error instanceof HttpParseError, String(error));
    return error.status;
  }
  assert.fail('the bytes were accepted');
}

const post = (body: string, extra = '') => `POST / HTTP/1.1\r\nHost: h\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('a request with a Content-Length body, and pipelined requests after it', () => {
  const { requests } = parse([post('{"a":1}') + post('{}', 'X-Amz-Target: T\r\n') + 'GET /?x=1 HTTP/1.1\r\nHost: h\r\n\r\n']);
  assert.deepEqual(
    requests.map((r) => [r.method, r.url, r.body?.toString(), r.headers['x-amz-target'], r.keepAlive]),
    [
      ['POST', '/', '{"a":1}', undefined, true],
      ['POST', '/', '{}', 'T', true],
      ['GET', '/?x=1', '', undefined, true],
    ],
  );
});

test('any split of the bytes gives the same requests', () => {
  const chunked = 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n';
  const wire = Buffer.from(post('{"k":"é"}') + chunked + '\r\n' + post(''), 'utf8');
  const whole = parse([wire]).requests.map((r) => [r.method, r.body?.toString('utf8')]);
  assert.deepEqual(whole, [
    ['POST', '{"k":"é"}'],
    ['POST', 'abc0123456789abcdef'],
    ['POST', ''],
  ]);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: wire.length - 1 }), { maxLength: 12 }), (cuts) => {
      const at = [0, ...cuts.sort((a, b) => a - b), wire.length];
      const pieces = at.slice(1).map((end, i) => wire.subarray(at[i], end));
      assert.deepEqual(
        parse(pieces).requests.map((r) => [r.method, r.body?.toString('utf8')]),
        whole,
      );
    }),
  );
});

test('header names are case-insensitive; repeats are joined, or the first one counts', () => {
  const [request] = parse(['POST / HTTP/1.1\r\nX-A: 1\r\nx-a:2\r\nContent-Type: a\r\nCONTENT-TYPE: b\r\nAccept-Encoding: gzip\r\nAccept-Encoding: deflate\r\nX-Pad:   v  \r\n\r\n']).requests;
  assert.equal(request!.headers['x-a'], '1, 2');
  assert.equal(request!.headers['content-type'], 'a');
  assert.equal(request!.headers['accept-encoding'], 'gzip');
  assert.equal(request!.headers['x-pad'], 'v');
});

test('HTTP/1.0 closes unless asked to keep alive; HTTP/1.1 keeps alive unless asked to close', () => {
  const requests = parse([
    'GET / HTTP/1.0\r\n\r\n',
    'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n',
    'GET / HTTP/1.1\r\nConnection: close\r\n\r\n',
    'GET / HTTP/1.1\r\nConnection: upgrade, keep-alive\r\n\r\n',
  ]).requests;
  assert.deepEqual(
    requests.map((r) => r.keepAlive),
    [false, true, false, true],
  );
});

test('a client that expects 100-continue is told to go on, unless its body is over the limit', () => {
  const within = parse([post('{}', 'Expect: 100-continue\r\n').replace('{}', ''), '{}']);
  assert.equal(within.continues, 1);
  assert.equal(within.requests[0]!.body?.toString(), '{}');
  const over = parse([`POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n`]);
  assert.equal(over.continues, 0);
  assert.equal(over.requests.length, 1);
  assert.equal(over.requests[0]!.body, undefined);
  assert.equal(over.requests[0]!.expectsContinue, true);
});

test('a body over the limit comes at once without its bytes, which are skipped', () => {
  const { parser, parsed } = parserFor();
  parser.push(Buffer.from('POST / HTTP/1.1\r\nContent-Length: 3000\r\n\r\n'));
  assert.equal(parsed.requests.length, 1);
  assert.equal(parsed.requests[0]!.body, undefined);
  parser.push(Buffer.alloc(2000, 0x7b));
  assert.equal(parser.idle, false);
  parser.push(Buffer.concat([Buffer.alloc(1000, 0x7b), Buffer.from(post('{}'))]));
  assert.deepEqual(
    parsed.requests.map((r) => r.body?.toString()),
    [undefined, '{}'],
  );
  assert.equal(parser.idle, true);
  // Chunked bodies are only known to be over the limit as they come: the request comes at their end.
  const chunked = parse(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', `3e8\r\n${'x'.repeat(1000)}\r\n1\r\nx\r\n0\r\n\r\n`]);
  assert.equal(chunked.requests.length, 1);
  assert.equal(chunked.requests[0]!.body, undefined);
});

test('heads over the limit, and bytes that are not HTTP, are refused with the status node:http used', () => {
  assert.equal(refusal([`GET /${'x'.repeat(17_000)} HTTP/1.1\r\n\r\n`]), 400);
  assert.equal(refusal([`GET / HTTP/1.1\r\nA: ${'x'.repeat(9000)}\r\n`, `B: ${'x'.repeat(9000)}\r\n\r\n`]), 400);
  assert.equal(refusal(['{"a":1}']), 400);
  assert.equal(refusal(['GET / HTTP/2.0\r\n\r\n']), 400);
  assert.equal(refusal(['GET  / HTTP/1.1\r\n\r\n']), 400);
  assert.equal(refusal(['GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n']), 400);
  assert.equal(refusal(['GET / HTTP/1.1\r\n folded: 1\r\n\r\n']), 400);
  assert.equal(refusal(['GET / HTTP/1.1\r\nA: x\ny\r\n\r\n']), 400);
  assert.equal(refusal(['GET / HTTP/1.1\r\nA: \x00\r\n\r\n']), 400);
  // Framing a request two ways is how requests are smuggled.
  assert.equal(refusal(['POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx']), 400);
  assert.equal(refusal(['POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n']), 400);
  assert.equal(refusal(['POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n']), 400);
  assert.equal(refusal(['POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n']), 400);
  assert.equal(refusal(['POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n']), 501);
  assert.equal(refusal(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']), 400);
  assert.equal(refusal(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n']), 400);
  assert.equal(refusal(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;', 'x'.repeat(17_000)]), 413);
  assert.equal(refusal(['POST / HTTP/1.1\r\nExpect: something\r\n\r\n']), 417);
});

test('a chunk size too large for a number is a body over the limit, not a wrong length', () => {
  const { parser, parsed } = parserFor();
  parser.push(Buffer.from('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc'));
  assert.equal(parsed.requests.length, 0);
  assert.equal(parser.idle, false);
});

test('blank lines between requests are skipped', () => {
  const { requests } = parse(['\r\n\r\nGET / HTTP/1.1\r\n\r\n\r\n', '\r\nGET / HTTP/1.1\r\n\r\n']);
  assert.equal(requests.length, 2);
});
