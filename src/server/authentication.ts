/**
 * The one place where a request's principal and namespace are established.
 * Like DynamoDB Local, any credentials are accepted; the SigV4 credential scope
 * only says which region's tables the request addresses. Real signature
 * verification and policies will hook in here.
 */
import type { HttpRequest } from './http/request-parser.js';
import { DynamoError } from '../protocol/errors.js';
import type { Namespace } from '../operations/operation.js';
import type { Config } from '../config.js';

const CREDENTIAL = /Credential=([^/,\s]*)\/[^/,\s]*\/([^/,\s]*)\//;

export function authenticate(req: HttpRequest, config: Config): Namespace {
  const header = req.headers.authorization;
  const query = req.url.includes('X-Amz-Credential=') ? new URL(req.url, 'http://localhost').searchParams : undefined;
  if (header === undefined && query === undefined) {
    throw new DynamoError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  if (header !== undefined && !header.trimStart().startsWith('AWS4-')) {
    throw new DynamoError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  let region: string | undefined;
  if (header !== undefined) {
    region = CREDENTIAL.exec(header)?.[2];
  } else {
    region = query?.get('X-Amz-Credential')?.split('/')[2];
  }
  return { account: config.account, region: region || config.defaultRegion };
}

/** The access key a request names (in its Authorization header or presigned query), unverified; '' when it names none. */
export function accessKeyIdOf(req: HttpRequest): string {
  const header = req.headers.authorization;
  if (header !== undefined) return CREDENTIAL.exec(header)?.[1] ?? '';
  if (!req.url.includes('X-Amz-Credential=')) return '';
  return new URL(req.url, 'http://localhost').searchParams.get('X-Amz-Credential')?.split('/')[0] ?? '';
}
