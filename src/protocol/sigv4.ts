/**
 * AWS Signature Version 4 (AWS's "Create a signed AWS API request" and S3's
 * "Authenticating Requests (AWS Signature Version 4)"): the canonical request,
 * the string to sign, the derived signing key and the Authorization header.
 * The steps are exported one by one so that a server verifying an incoming
 * request can recompute the same canonical request from what it received.
 */
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The SHA-256 of no bytes: the payload hash of a request without a body. */
export const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials' token, sent (and signed) as X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

export interface Scope {
  readonly region: string;
  readonly service: string;
}

export interface RequestToSign {
  readonly method: string;
  /** The path as it is sent, its segments already URI-encoded (see encodePath). */
  readonly path: string;
  /** Decoded query parameters, in any order; a name may repeat. */
  readonly query?: readonly (readonly [string, string])[];
  /** Headers to sign, names in any case; a name may repeat. Must include Host. */
  readonly headers: readonly (readonly [string, string])[];
  /** Hex SHA-256 of the body, or a marker such as UNSIGNED-PAYLOAD where the service allows it. */
  readonly payloadHash: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SigV4's URI encoding: everything but A-Z a-z 0-9 - . _ ~ as %XX of its UTF-8 bytes, hex in upper case ('/' kept when `keepSlash`). */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char) || (keepSlash && char === '/')) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A decoded path (or an S3 key with its leading slash) as it is sent: each segment encoded once. */
export function encodePath(path: string): string {
  return uriEncode(path, true);
}

/**
 * The canonical URI. S3 signs the path as sent and never normalises it (a key
 * may hold `//` or `..`); every other service normalises it (RFC 3986 dot
 * segments, empty segments) and encodes each segment once more.
 */
export function canonicalUri(path: string, service: string): string {
  if (service === 's3') return path === '' ? '/' : path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/** Parameters sorted by encoded name, then encoded value; each `name=value`, joined with '&'. */
export function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  const encoded = query.map(([name, value]) => [uriEncode(name), uriEncode(value)] as const);
  encoded.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Lower-case names in order, each with its values trimmed, inner runs of spaces made one and repeats joined with ','. */
function canonicalHeaderEntries(headers: readonly (readonly [string, string])[]): [string, string][] {
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase().trim();
    const values = byName.get(key) ?? [];
    values.push(value.trim().replace(/\s+/g, ' '));
    byName.set(key, values);
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, values]) => [name, values.join(',')]);
}

export function signedHeaderNames(headers: readonly (readonly [string, string])[]): string {
  return canonicalHeaderEntries(headers)
    .map(([name]) => name)
    .join(';');
}

export function canonicalRequest(request: RequestToSign, service: string): string {
  const entries = canonicalHeaderEntries(request.headers);
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path, service),
    canonicalQuery(request.query ?? []),
    ...entries.map(([name, value]) => `${name}:${value}`),
    '',
    entries.map(([name]) => name).join(';'),
    request.payloadHash,
  ].join('\n');
}

/** 20150830T123600Z: the form of X-Amz-Date. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function credentialScope(day: string, scope: Scope): string {
  return `${day}/${scope.region}/${scope.service}/aws4_request`;
}

export function stringToSign(dateTime: string, scope: Scope, canonical: string): string {
  return [ALGORITHM, dateTime, credentialScope(dateTime.slice(0, 8), scope), sha256Hex(canonical)].join('\n');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * Derived signing keys, cached: a key serves every request of one secret, day,
 * region and service, and deriving it costs four HMACs. The cache is dropped
 * whole when it grows large (days change, keys rotate).
 */
const signingKeys = new Map<string, Buffer>();
const MAX_CACHED_KEYS = 256;

export function signingKey(secretAccessKey: string, day: string, scope: Scope): Buffer {
  const id = `${day}\0${scope.region}\0${scope.service}\0${secretAccessKey}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), scope.region), scope.service), 'aws4_request');
    if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

export function signature(secretAccessKey: string, dateTime: string, scope: Scope, canonical: string): string {
  return createHmac('sha256', signingKey(secretAccessKey, dateTime.slice(0, 8), scope))
    .update(stringToSign(dateTime, scope, canonical), 'utf8')
    .digest('hex');
}

export interface SignedHeaders {
  readonly 'x-amz-date': string;
  readonly 'x-amz-security-token'?: string;
  readonly authorization: string;
}

/**
 * Signs `request` at `date`: the headers to add to it. X-Amz-Date (and
 * X-Amz-Security-Token with temporary credentials) are signed too.
 */
export function sign(request: RequestToSign, credentials: Credentials, scope: Scope, date: Date = new Date()): SignedHeaders {
  const dateTime = amzDate(date);
  const added: [string, string][] = [['x-amz-date', dateTime]];
  if (credentials.sessionToken !== undefined) added.push(['x-amz-security-token', credentials.sessionToken]);
  const headers = [...request.headers, ...added];
  const canonical = canonicalRequest({ ...request, headers }, scope.service);
  const credential = `${credentials.accessKeyId}/${credentialScope(dateTime.slice(0, 8), scope)}`;
  const authorization = `${ALGORITHM} Credential=${credential}, SignedHeaders=${signedHeaderNames(headers)}, Signature=${signature(credentials.secretAccessKey, dateTime, scope, canonical)}`;
  return {
    'x-amz-date': dateTime,
    ...(credentials.sessionToken === undefined ? {} : { 'x-amz-security-token': credentials.sessionToken }),
    authorization,
  };
}
