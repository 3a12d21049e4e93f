/**
 * The one place where a request's principal and namespace are established.
 *
 * `--auth verify`: the request's SigV4 signature is checked against the
 * credentials file (security/sigv4-verifier.ts), and the principal is the
 * identity the file gives its key. `--auth none`: like DynamoDB Local, any
 * credentials are accepted and the caller is the account's anonymous
 * principal. Either way the credential scope says which region's tables the
 * request addresses, and the principal's account owns them.
 */
import type { HttpRequest } from './http/request-parser.js';
import { DynamoError } from '../protocol/errors.js';
import type { Namespace } from '../operations/operation.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Principal } from '../security/principal.js';
import { CredentialStore } from '../security/credential-store.js';
import { MISSING_TOKEN, verifyRequest } from '../security/sigv4-verifier.js';

/** Establishes who a request comes from; `service` is the signing name the addressed API expects. */
export type Authenticate = (req: HttpRequest, service: string) => Namespace;

/** The authentication `config` asks for; throws (refusing the start) when its credentials file cannot be used. */
export function createAuthentication(config: Config, logger: Logger): Authenticate {
  if (config.auth === 'none') return (req) => anonymous(req, config);
  if (config.credentialsFile === undefined) throw new Error('--auth verify needs --credentials <file>');
  const store = new CredentialStore(config.credentialsFile, config.account, logger);
  return (req, service) => {
    const { credential, region } = verifyRequest({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? Buffer.alloc(0) }, service, (id) => store.find(id));
    return { account: credential.principal.account, region, principal: credential.principal };
  };
}

const CREDENTIAL = /Credential=([^/,\s]*)\/[^/,\s]*\/([^/,\s]*)\//;

/** `--auth none`: only a token's presence is checked; the access key and region are read as the request gives them. */
function anonymous(req: HttpRequest, config: Config): Namespace {
  const header = req.headers.authorization;
  const query = req.url.includes('X-Amz-Credential=') ? new URL(req.url, 'http://localhost').searchParams : undefined;
  if (header === undefined && query === undefined) throw new DynamoError('MissingAuthenticationTokenException', MISSING_TOKEN);
  if (header !== undefined && !header.trimStart().startsWith('AWS4-')) throw new DynamoError('MissingAuthenticationTokenException', MISSING_TOKEN);
  const region = header !== undefined ? CREDENTIAL.exec(header)?.[2] : query?.get('X-Amz-Credential')?.split('/')[2];
  return { account: config.account, region: region || config.defaultRegion, principal: anonymousPrincipal(config.account, accessKeyIdOf(req)) };
}

/**
 * The caller of `--auth none`: the account's anonymous principal, as
 * DynamoDB Local treats every request. Its principal id is CloudTrail's
 * account id for anonymous callers.
 */
export function anonymousPrincipal(account: string, accessKeyId: string): Principal {
  return { accessKeyId, account, arn: `arn:aws:iam::${account}:root`, type: 'Anonymous', principalId: 'ANONYMOUS_PRINCIPAL', tags: {}, policies: [] };
}

/** The access key a request names (in its Authorization header or presigned query), unverified; '' when it names none. */
export function accessKeyIdOf(req: HttpRequest): string {
  const header = req.headers.authorization;
  if (header !== undefined) return CREDENTIAL.exec(header)?.[1] ?? '';
  if (!req.url.includes('X-Amz-Credential=')) return '';
  return new URL(req.url, 'http://localhost').searchParams.get('X-Amz-Credential')?.split('/')[0] ?? '';
}
