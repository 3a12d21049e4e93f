/**
 * Checks an incoming request's AWS Signature Version 4, in its Authorization
 * header or in its query string (a presigned request), by recomputing it with
 * the signer's own steps (protocol/sigv4.ts) from what was received.
 *
 * The checks run in DynamoDB's order and refuse with its errors and texts.
 * Sources, since DynamoDB documents none of them:
 * - dynalite's index.js (architect/dynalite), whose comments record each of
 *   DynamoDB's answers in the order DynamoDB checks: missing token, missing
 *   parameters (header and query string), header and query string both,
 *   date format, expiry, Host not signed, algorithm, credential elements,
 *   credential scope, unknown key, signature, security token;
 * - ScyllaDB's test_authorization.py (run against DynamoDB): an expired and a
 *   future date are refused before the credential is looked at;
 * - the window: 15 minutes, as DynamoDB's recorded texts say ("... - 15 min.)"
 *   in dynalite and in a DynamoDB Query error quoted by credstash users);
 *   "5 min." is other services' (STS, Lambda, Elastic Beanstalk).
 * - the signature mismatch's text as DynamoDB answers it since about 2016
 *   (aws/aws-sdk-go#2598, ttsuruoka/php-simple-amazon-dynamodb#1): without
 *   the canonical request it used to append.
 */
import { timingSafeEqual } from 'node:crypto';
import { ALGORITHM, amzDate, canonicalRequest, sha256Hex, signature } from '../protocol/sigv4.js';
import { DynamoError } from '../protocol/errors.js';
import type { StoredCredential } from './credentials-file.js';

/** How far a request's date may be from the server's clock, either way. */
export const SKEW_MS = 15 * 60_000;

export interface IncomingRequest {
  readonly method: string;
  /** The request target as sent: path and query string. */
  readonly url: string;
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as sent (before any Content-Encoding is undone): what the client hashed. */
  readonly body: Uint8Array;
}

export interface Verified {
  readonly accessKeyId: string;
  readonly credential: StoredCredential;
  /** The region of the credential scope: the tables the request addresses. */
  readonly region: string;
}

/** What a request claims about its signature, wherever it carries it. */
interface Claim {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly date: string;
  /** X-Amz-Expires of a presigned request, in seconds. */
  readonly expires?: string;
  readonly securityToken?: string;
  /** The parameters the signature covers: all but X-Amz-Signature in a presigned request. */
  readonly query: readonly (readonly [string, string])[];
}

export const MISSING_TOKEN = 'Request is missing Authentication Token';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * The credential a correctly signed request was signed with; anything else
 * throws DynamoDB's refusal. `service` is the signing name the addressed API
 * expects in the credential scope; `find` looks up an access key.
 */
export function verifyRequest(request: IncomingRequest, service: string, find: (accessKeyId: string) => StoredCredential | undefined, now = Date.now()): Verified {
  const claim = claimOf(request);
  const dateTime = requestDateTime(claim.date);
  checkClock(dateTime, claim.expires, now);
  const signedHeaders = claim.signedHeaders.split(';');
  if (!signedHeaders.some((name) => name.toLowerCase() === 'host')) throw new DynamoError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (claim.algorithm !== ALGORITHM) throw new DynamoError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${claim.algorithm}' (only ${ALGORITHM} for now). `);
  const parts = claim.credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    throw new DynamoError('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${claim.credential}'`);
  }
  const [accessKeyId, day, region, scopedService, terminator] = parts as [string, string, string, string, string];
  checkScope(day, region, scopedService, terminator, service, dateTime);
  const credential = find(accessKeyId);
  if (credential === undefined) throw new DynamoError('UnrecognizedClientException', INVALID_TOKEN);
  const queryStart = request.url.indexOf('?');
  const canonical = canonicalRequest(
    {
      method: request.method,
      path: queryStart === -1 ? request.url : request.url.slice(0, queryStart),
      query: claim.query,
      headers: signedHeaders.map((name) => [name, request.headers[name.toLowerCase()] ?? ''] as const),
      payloadHash: sha256Hex(request.body),
    },
    service,
  );
  const expected = signature(credential.secretAccessKey, dateTime, { region, service }, canonical);
  if (!sameText(expected, claim.signature)) throw new DynamoError('InvalidSignatureException', SIGNATURE_MISMATCH);
  // Temporary credentials are good only with their token, and long-term ones with none.
  const token = claim.securityToken;
  const tokenMatches = token === undefined ? credential.sessionToken === undefined : credential.sessionToken !== undefined && sameText(token, credential.sessionToken);
  if (!tokenMatches) throw new DynamoError('UnrecognizedClientException', INVALID_TOKEN);
  return { accessKeyId, credential, region };
}

/** The request's signature parameters, or DynamoDB's refusal when they are missing or malformed. */
function claimOf(request: IncomingRequest): Claim {
  const query = queryParameters(request.url);
  const header = request.headers.authorization;
  const presigned = query.some(([name]) => name === 'X-Amz-Algorithm');
  if (header !== undefined && presigned) {
    throw new DynamoError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  if (header === undefined && !presigned) throw new DynamoError('MissingAuthenticationTokenException', MISSING_TOKEN);
  if (header !== undefined) return headerClaim(header, request.headers, query);
  return queryClaim(query);
}

function headerClaim(header: string, headers: IncomingRequest['headers'], query: readonly (readonly [string, string])[]): Claim {
  const trimmed = header.trim();
  if (!trimmed.startsWith('AWS4-')) throw new DynamoError('MissingAuthenticationTokenException', MISSING_TOKEN);
  const space = trimmed.search(/[\s,]/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  const parameters = new Map<string, string>();
  // Components are separated by commas, spaces or both (ScyllaDB's test_authorization_no_whitespace).
  for (const component of space === -1 ? [] : trimmed.slice(space).split(/[\s,]+/)) {
    if (component === '') continue;
    const equals = component.indexOf('=');
    if (equals === -1) {
      throw new DynamoError('IncompleteSignatureException', `'${component}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);
    }
    parameters.set(component.slice(0, equals), component.slice(equals + 1));
  }
  const date = headers['x-amz-date'] ?? headers.date;
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!parameters.get(name)) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!date) missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing !== '') throw new DynamoError('IncompleteSignatureException', `${missing}Authorization=${header}`);
  const token = headers['x-amz-security-token'];
  return {
    algorithm,
    credential: parameters.get('Credential')!,
    signedHeaders: parameters.get('SignedHeaders')!,
    signature: parameters.get('Signature')!,
    date: date!,
    ...(token === undefined ? {} : { securityToken: token }),
    query,
  };
}

const QUERY_PARAMETERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];

function queryClaim(query: readonly (readonly [string, string])[]): Claim {
  const get = (name: string) => query.find(([key]) => key === name)?.[1];
  const missing = QUERY_PARAMETERS.filter((name) => !get(name));
  if (missing.length > 0) {
    throw new DynamoError('IncompleteSignatureException', `${missing.map((name) => `AWS query-string parameters must include '${name}'. `).join('')}Re-examine the query-string parameters.`);
  }
  const expires = get('X-Amz-Expires');
  const token = get('X-Amz-Security-Token');
  return {
    algorithm: get('X-Amz-Algorithm')!,
    credential: get('X-Amz-Credential')!,
    signedHeaders: get('X-Amz-SignedHeaders')!,
    signature: get('X-Amz-Signature')!,
    date: get('X-Amz-Date')!,
    ...(expires === undefined ? {} : { expires }),
    ...(token === undefined ? {} : { securityToken: token }),
    query: query.filter(([name]) => name !== 'X-Amz-Signature'),
  };
}

/**
 * The query string's parameters, decoded. A malformed escape is kept as it
 * was sent: the signature computed over it then does not match, which is
 * the refusal such a request deserves.
 */
function queryParameters(url: string): (readonly [string, string])[] {
  const start = url.indexOf('?');
  if (start === -1) return [];
  const parameters: (readonly [string, string])[] = [];
  for (const pair of url.slice(start + 1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    parameters.push([decode(name), equals === -1 ? '' : decode(pair.slice(equals + 1))]);
  }
  return parameters;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The request's time in SigV4's basic format. X-Amz-Date must be in it; a
 * Date header (used when there is no X-Amz-Date) may also be an HTTP date.
 */
function requestDateTime(text: string): string {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (basic !== null) {
    const [year, month, day, hour, minute, second] = basic.slice(1).map(Number) as [number, number, number, number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    if (date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60) return text;
  } else if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text) && !Number.isNaN(Date.parse(text))) {
    return amzDate(new Date(Date.parse(text)));
  }
  throw new DynamoError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${text}'. See http://en.wikipedia.org/wiki/ISO_8601`);
}

function timeOf(dateTime: string): number {
  return Date.parse(`${dateTime.slice(0, 4)}-${dateTime.slice(4, 6)}-${dateTime.slice(6, 11)}:${dateTime.slice(11, 13)}:${dateTime.slice(13)}`);
}

/**
 * A request is good for SKEW_MS either side of its date (DynamoDB's texts).
 * A presigned request's X-Amz-Expires can only shorten that: AWS's SDK team
 * says services other than S3 ignore it and keep the fixed window
 * (aws/aws-sdk-go#2224); honouring a shorter one keeps the presigner's
 * intent. That case's text, with its window in seconds, is Dynalith's own.
 */
function checkClock(dateTime: string, expires: string | undefined, now: number): void {
  const time = timeOf(dateTime);
  const seconds = expires !== undefined && /^\d{1,9}$/.test(expires) ? Number(expires) : undefined;
  const windowMs = seconds !== undefined && seconds * 1000 < SKEW_MS ? seconds * 1000 : SKEW_MS;
  const window = windowMs === SKEW_MS ? '15 min.' : `${seconds} sec.`;
  if (time < now - windowMs) {
    throw new DynamoError('InvalidSignatureException', `Signature expired: ${dateTime} is now earlier than ${amzDate(new Date(now - windowMs))} (${amzDate(new Date(now))} - ${window})`);
  }
  if (time > now + SKEW_MS) {
    throw new DynamoError('InvalidSignatureException', `Signature not yet current: ${dateTime} is still later than ${amzDate(new Date(now + SKEW_MS))} (${amzDate(new Date(now))} + 15 min.)`);
  }
}

/** Every scope element that is wrong, in one message (dynalite's recorded text). */
function checkScope(day: string, region: string, scopedService: string, terminator: string, service: string, dateTime: string): void {
  const problems: string[] = [];
  if (!/^[a-z0-9-]+$/.test(region)) problems.push(`Credential should be scoped to a valid region, not '${region}'.`);
  if (scopedService !== service) problems.push(`Credential should be scoped to correct service: '${service}'.`);
  if (terminator !== 'aws4_request') problems.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (day !== dateTime.slice(0, 8)) {
    problems.push(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${dateTime.slice(0, 8)}', from '${dateTime}'.`);
  }
  if (problems.length > 0) throw new DynamoError('InvalidSignatureException', problems.join(' '));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
