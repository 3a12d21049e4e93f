/**
 * The credentials `--auth verify` accepts (`--credentials FILE`): either an
 * INI file in the form of ~/.aws/credentials, or a JSON document that also
 * says who each key belongs to (README, "Authentication"). Parsing is pure:
 * a file either yields every identity it holds or a CredentialsFileError
 * naming the first thing wrong with it.
 */
import { parsePolicy, PolicyError } from './iam/policy.js';
import { createHash } from 'node:crypto';
import type { Principal } from './principal.js';

/** A key the server accepts: its secret, the token temporary credentials need, and whose it is. */
export interface StoredCredential {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly principal: Principal;
}

export type CredentialTable = ReadonlyMap<string, StoredCredential>;

export class CredentialsFileError extends Error {}

/** Parses the file's text; `account` is the account of identities that name none (`--account`'s). */
export function parseCredentials(text: string, account: string): CredentialTable {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  return trimmed.startsWith('{') ? fromJson(trimmed, account) : fromIni(text, account);
}

const ALLOW_EVERYTHING = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/**
 * ~/.aws/credentials: `[profile]` sections of `key = value` lines, `#` or `;`
 * comments. Each profile with aws_access_key_id and aws_secret_access_key is
 * the IAM user named like the profile, in `account`, allowed everything: the
 * file has no place for policies, and keys that could do nothing would make
 * it useless (the JSON form gives principals policies of their own).
 */
function fromIni(text: string, account: string): CredentialTable {
  const profiles = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(?:profile\s+)?([^\]]*?)\s*\]$/.exec(line);
    if (section !== null) {
      const name = section[1]!;
      if (name === '') throw new CredentialsFileError(`line ${index + 1}: a profile needs a name`);
      current = profiles.get(name) ?? new Map<string, string>();
      profiles.set(name, current);
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0 || current === undefined) throw new CredentialsFileError(`line ${index + 1}: expected [profile] or key = value`);
    current.set(line.slice(0, equals).trim().toLowerCase(), line.slice(equals + 1).trim());
  }
  const table = new Map<string, StoredCredential>();
  for (const [name, settings] of profiles) {
    const accessKeyId = settings.get('aws_access_key_id');
    const secretAccessKey = settings.get('aws_secret_access_key');
    // A profile without keys (e.g. one that only sets a region) names no credentials.
    if (accessKeyId === undefined && secretAccessKey === undefined) continue;
    if (!accessKeyId || !secretAccessKey) throw new CredentialsFileError(`profile ${name}: aws_access_key_id and aws_secret_access_key go together`);
    const sessionToken = settings.get('aws_session_token') || undefined;
    const principal = { ...principalOf({ accessKeyId, account, user: name, sessionToken }), policies: [ALLOW_EVERYTHING] };
    add(table, accessKeyId, { secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }), principal });
  }
  return table;
}

/** One entry of the JSON form's `principals` (README, "Authentication"). */
interface JsonPrincipal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly account?: string;
  readonly user?: string;
  readonly role?: string;
  readonly session?: string;
  readonly root?: boolean;
  readonly tags?: Record<string, string>;
  readonly policies?: readonly unknown[];
}

const JSON_FIELDS = new Set(['accessKeyId', 'secretAccessKey', 'sessionToken', 'account', 'user', 'role', 'session', 'root', 'tags', 'policies']);

function fromJson(text: string, account: string): CredentialTable {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CredentialsFileError(`not JSON: ${(error as Error).message}`);
  }
  const principals = isObject(document) ? document.principals : undefined;
  if (!Array.isArray(principals)) throw new CredentialsFileError('a JSON credentials file is an object with a "principals" array');
  const table = new Map<string, StoredCredential>();
  principals.forEach((entry: unknown, index) => {
    const where = `principals[${index}]`;
    const checked = checkEntry(entry, where);
    const owner = checked.account ?? account;
    const principal = principalOf({ ...checked, account: owner });
    add(table, checked.accessKeyId, {
      secretAccessKey: checked.secretAccessKey,
      ...(checked.sessionToken === undefined ? {} : { sessionToken: checked.sessionToken }),
      principal: { ...principal, tags: { ...(checked.tags ?? {}) }, policies: (checked.policies ?? []).map((policy) => JSON.stringify(policy)) },
    });
  });
  return table;
}

function checkEntry(entry: unknown, where: string): JsonPrincipal {
  if (!isObject(entry)) throw new CredentialsFileError(`${where} must be an object`);
  for (const field of Object.keys(entry)) {
    if (!JSON_FIELDS.has(field)) throw new CredentialsFileError(`${where} has an unknown field "${field}"`);
  }
  for (const field of ['accessKeyId', 'secretAccessKey'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') throw new CredentialsFileError(`${where}.${field} must be a non-empty string`);
  }
  for (const field of ['sessionToken', 'user', 'role', 'session'] as const) {
    if (entry[field] !== undefined && (typeof entry[field] !== 'string' || entry[field] === '')) throw new CredentialsFileError(`${where}.${field} must be a non-empty string`);
  }
  if (entry.account !== undefined && (typeof entry.account !== 'string' || !/^\d{12}$/.test(entry.account))) throw new CredentialsFileError(`${where}.account must be 12 digits`);
  if (entry.root !== undefined && typeof entry.root !== 'boolean') throw new CredentialsFileError(`${where}.root must be true or false`);
  const names = [entry.user, entry.role, entry.root === true ? true : undefined].filter((name) => name !== undefined);
  if (names.length !== 1) throw new CredentialsFileError(`${where} names exactly one of "user", "role" or "root": true`);
  if (entry.session !== undefined && entry.role === undefined) throw new CredentialsFileError(`${where}.session goes with "role"`);
  const tags = entry.tags;
  if (tags !== undefined && (!isObject(tags) || Object.values(tags).some((value) => typeof value !== 'string'))) {
    throw new CredentialsFileError(`${where}.tags must be an object of strings`);
  }
  const policies = entry.policies;
  if (policies !== undefined && (!Array.isArray(policies) || policies.some((policy) => !isObject(policy)))) {
    throw new CredentialsFileError(`${where}.policies must be an array of policy documents (objects)`);
  }
  // A policy IAM would refuse is refused here, at load time, rather than silently granting nothing.
  for (const [i, policy] of (policies ?? []).entries()) {
    try {
      parsePolicy(JSON.stringify(policy), 'identity');
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      throw new CredentialsFileError(`${where}.policies[${i}]: ${error.message}`);
    }
  }
  return entry as unknown as JsonPrincipal;
}

interface Identity {
  readonly accessKeyId: string;
  readonly account: string;
  readonly user?: string | undefined;
  readonly role?: string | undefined;
  readonly session?: string | undefined;
  readonly sessionToken?: string | undefined;
}

/** The principal an identity is: an IAM user, a role's session, or the account's root. */
function principalOf(identity: Identity): Principal {
  const { account, accessKeyId } = identity;
  const base = { accessKeyId, account, tags: {}, policies: [], ...(identity.sessionToken === undefined ? {} : { sessionToken: identity.sessionToken }) };
  if (identity.user !== undefined) {
    const arn = `arn:aws:iam::${account}:user/${identity.user}`;
    return { ...base, arn, type: 'IAMUser', principalId: uniqueId('AIDA', arn) };
  }
  if (identity.role !== undefined) {
    const session = identity.session ?? identity.role;
    const roleId = uniqueId('AROA', `arn:aws:iam::${account}:role/${identity.role}`);
    return { ...base, arn: `arn:aws:sts::${account}:assumed-role/${identity.role}/${session}`, type: 'AssumedRole', principalId: `${roleId}:${session}` };
  }
  return { ...base, arn: `arn:aws:iam::${account}:root`, type: 'Root', principalId: account };
}

/**
 * IAM's unique ids (AIDA... for users, AROA... for roles) are random; these
 * are derived from the ARN instead, so a principal keeps its id across
 * reloads and restarts, as a real one does.
 */
function uniqueId(prefix: string, arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(arn).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! % 32];
  return id;
}

function add(table: Map<string, StoredCredential>, accessKeyId: string, credential: StoredCredential): void {
  if (table.has(accessKeyId)) throw new CredentialsFileError(`access key ${accessKeyId} is listed twice`);
  table.set(accessKeyId, credential);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
