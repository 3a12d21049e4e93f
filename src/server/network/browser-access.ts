/**
 * Which browsers may use the server. A web page can send requests to any
 * address, the developer's own machine included, and can read the answers
 * when CORS allows it; a page of another site can also rename itself onto
 * the server's address by DNS rebinding (its name resolving to 127.0.0.1),
 * after which its requests are same-origin and CORS is never asked. So:
 *
 * - A request with an Origin (only browsers send one) is answered, with CORS
 *   headers naming that origin, only when the origin is a loopback one
 *   (http(s)://localhost, *.localhost, 127.x.x.x, [::1], any port) or one of
 *   `--cors`; any other origin is refused with a 403 and no CORS headers.
 * - A request whose Host names a domain that is not one of `--allowed-hosts`
 *   is refused with a 403: that is what a rebound page sends (its own domain
 *   name, whose DNS its author controls). Names no attacker's DNS answers
 *   for are accepted: loopback names, IP addresses (a page's origin would be
 *   that address itself), names without a dot (resolved on the machine or the
 *   LAN: a container's service name such as `dynalith`), and DynamoDB's own
 *   endpoint names (dynamodb.<region>.amazonaws.com, which a hosts file may
 *   point here); so are requests without a Host (HTTP/1.0, never a browser).
 *
 * SDKs send no Origin and name the endpoint they were given, so they are
 * unaffected; a server reached by a dotted name (a LAN name such as
 * dynalith.lan) needs it in `--allowed-hosts`.
 */
import { isLoopback } from './loopback.js';
import { isIP } from 'node:net';
import type { HttpRequest } from '../http/request-parser.js';
import { UsageError } from '../../usage-error.js';

export interface BrowserPolicy {
  /** Origins allowed besides the loopback ones, as browsers write them (scheme://host[:port]); `*` allows every origin. */
  readonly cors: readonly string[];
  /** Host names allowed besides loopback names and IP addresses; `*` allows every name, `.example.com` a domain's names. */
  readonly allowedHosts: readonly string[];
}

/** Why a browser's request (or a rebound page's) is refused; undefined when it is not. */
export function browserRefusal(req: HttpRequest, policy: BrowserPolicy): string | undefined {
  const host = req.headers.host;
  if (host !== undefined && !hostAllowed(host, policy)) return `Host ${host} is not allowed: start dynalith with --allowed-hosts naming it to serve it`;
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, policy)) return `Origin ${origin} is not allowed: start dynalith with --cors naming it to answer its pages`;
  return undefined;
}

/**
 * The CORS header lines of an answer to an allowed origin: the origin
 * itself (or `*` when every origin is allowed), and for a preflight what it
 * asked for, kept 2 days.
 */
export function corsHeaders(req: HttpRequest, origin: string, policy: BrowserPolicy): string {
  const allowed = policy.cors.includes('*') ? '*' : origin;
  let lines = `Access-Control-Allow-Origin: ${allowed}\r\nVary: Origin\r\nAccess-Control-Expose-Headers: x-amzn-RequestId,x-amz-crc32\r\n`;
  if (req.method !== 'OPTIONS') return lines;
  const headers = req.headers['access-control-request-headers'];
  const method = req.headers['access-control-request-method'];
  if (headers !== undefined) lines += `Access-Control-Allow-Headers: ${headers}\r\n`;
  if (method !== undefined) lines += `Access-Control-Allow-Methods: ${method}\r\n`;
  return `${lines}Access-Control-Max-Age: 172800\r\n`;
}

/** The name of a Host header (`name[:port]`, `[v6]:port`), lower-case and without a trailing dot; undefined when it is not one. */
function hostName(host: string): string | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::\d{0,5})?$/.exec(host.trim());
  if (match === null) return undefined;
  const name = (match[1] ?? match[2]!).toLowerCase();
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** DynamoDB's and DynamoDB Streams' endpoint names (AWS General Reference), under AWS's DNS. */
const AWS_ENDPOINT = /^(streams\.)?dynamodb\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * Each request's Host is checked, and a client sends the same one on every
 * request: the answers are remembered per policy (a few names at most, cleared
 * if a client sends many), which takes the parsing off the hot path.
 */
const hostAnswers = new WeakMap<BrowserPolicy, Map<string, boolean>>();
const MAX_REMEMBERED_HOSTS = 256;

function hostAllowed(host: string, policy: BrowserPolicy): boolean {
  let answers = hostAnswers.get(policy);
  if (answers === undefined) hostAnswers.set(policy, (answers = new Map()));
  const known = answers.get(host);
  if (known !== undefined) return known;
  if (answers.size >= MAX_REMEMBERED_HOSTS) answers.clear();
  const allowed = decideHost(host, policy);
  answers.set(host, allowed);
  return allowed;
}

function decideHost(host: string, policy: BrowserPolicy): boolean {
  if (policy.allowedHosts.includes('*')) return true;
  const name = hostName(host);
  if (name === undefined) return false;
  if (isIP(name) !== 0 || isLoopback(name) || !name.includes('.') || AWS_ENDPOINT.test(name)) return true;
  return policy.allowedHosts.some((allowed) => (allowed.startsWith('.') ? name.endsWith(allowed) || name === allowed.slice(1) : name === allowed));
}

function originAllowed(origin: string, policy: BrowserPolicy): boolean {
  if (policy.cors.includes('*') || policy.cors.includes(origin.toLowerCase())) return true;
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // URL keeps an IPv6 host in brackets.
  return isLoopback(url.hostname.replace(/^\[(.*)\]$/, '$1'));
}

/**
 * `--cors`'s list: `*`, `null` (pages of file: URLs and sandboxes) or
 * origins (scheme://host[:port], nothing after), kept as browsers send them.
 */
export function parseCorsOrigins(list: readonly string[]): string[] {
  return list.map((entry) => {
    if (entry === '*' || entry === 'null') return entry;
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '').toLowerCase()) {
      throw new UsageError(`--cors takes origins such as https://app.example.com:8443 (or *), got '${entry}'`);
    }
    return url.origin;
  });
}

/** `--allowed-hosts`' list: `*`, host names, or `.domain` for a domain's names. */
export function parseAllowedHosts(list: readonly string[]): string[] {
  return list.map((entry) => {
    const name = entry.toLowerCase();
    if (name !== '*' && !/^\.?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(name)) {
      throw new UsageError(`--allowed-hosts takes host names such as dynalith.lan or .example.com (or *), got '${entry}'`);
    }
    return name;
  });
}
