/**
 * One API call as a CloudTrail record (CloudTrail's "record contents" for
 * eventVersion 1.08, the version that brought eventCategory and tlsDetails;
 * DynamoDB's own examples in the developer guide, "Understanding DynamoDB
 * log file entries", for what its records hold). Pure: everything it needs
 * comes in the call; the writer adds nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../security/principal.js';
import { requestParameters, type KeyNames } from './request-parameters.js';
import { requestTables } from '../../protocol/tables-named.js';

export const EVENT_VERSION = '1.08';

/** DynamoDB Streams' calls are logged under DynamoDB's own event source too (EventBridge's DynamoDB events: source aws.dynamodb). */
export const DYNAMODB_EVENT_SOURCE = 'dynamodb.amazonaws.com';

/** The operations CloudTrail logs as data events (eventCategory "Data"); every other call is a management event. */
export const DATA_EVENTS: ReadonlySet<string> = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem',
  'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction',
  'GetRecords', 'GetShardIterator',
]);

/**
 * Calls that change nothing. AWS's ExecuteStatement example logs a SELECT
 * with readOnly false: PartiQL calls are never read-only here either.
 */
const READ_ONLY = /^(Get|Describe|List|Query$|Scan$|BatchGetItem$|TransactGetItems$)/;

/** The TLS connection a call came over, as CloudTrail's tlsDetails shows it. */
export interface TlsDetails {
  readonly tlsVersion: string;
  readonly cipherSuite: string;
  readonly clientProvidedHostHeader?: string;
}

export interface AuditedCall {
  /** When the call arrived (epoch ms). */
  readonly at: number;
  readonly eventSource: string;
  readonly operation: string;
  readonly region: string;
  readonly principal: Principal;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly tls: TlsDetails | undefined;
  /** The request body as parsed JSON. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly requestId: string;
  /** The response body of a successful management call that changed something; undefined otherwise. */
  readonly response: Readonly<Record<string, unknown>> | undefined;
  /** The error answered, if the call failed. */
  readonly error: { readonly code: string; readonly message: string } | undefined;
  /** The primary key names of a table, to log a PutItem's key. */
  readonly keyNames: KeyNames;
}

export function auditRecord(call: AuditedCall): Record<string, unknown> {
  const { principal } = call;
  const data = DATA_EVENTS.has(call.operation);
  const resources = resourcesOf(call);
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentity(principal),
    eventTime: `${new Date(call.at).toISOString().slice(0, 19)}Z`,
    eventSource: call.eventSource,
    eventName: call.operation,
    awsRegion: call.region,
    sourceIPAddress: call.sourceIp,
    userAgent: call.userAgent ?? '',
    ...(call.error === undefined ? {} : { errorCode: call.error.code, errorMessage: call.error.message }),
    requestParameters: requestParameters(call.operation, call.body, call.keyNames),
    responseElements: data || call.response === undefined ? null : camelCased(call.response),
    requestID: call.requestId,
    eventID: randomUUID(),
    readOnly: READ_ONLY.test(call.operation),
    ...(resources.length === 0 ? {} : { resources }),
    eventType: 'AwsApiCall',
    apiVersion: '2012-08-10',
    managementEvent: !data,
    recipientAccountId: principal.account,
    eventCategory: data ? 'Data' : 'Management',
    ...(call.tls === undefined ? {} : { tlsDetails: call.tls }),
  };
}

/** CloudTrail's userIdentity; temporary credentials (a session token) add the session and, for a role, who issued it. */
function userIdentity(principal: Principal): Record<string, unknown> {
  const identity: Record<string, unknown> = {
    type: principal.type,
    principalId: principal.principalId,
    arn: principal.arn,
    accountId: principal.account,
    accessKeyId: principal.accessKeyId,
  };
  const user = /^arn:aws:iam::\d+:user\/(?:.*\/)?([^/]+)$/.exec(principal.arn);
  if (user !== null) identity.userName = user[1];
  if (principal.sessionToken !== undefined) {
    const role = /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\//.exec(principal.arn);
    identity.sessionContext = {
      attributes: { mfaAuthenticated: 'false' },
      ...(role === null
        ? {}
        : {
            sessionIssuer: {
              type: 'Role',
              principalId: principal.principalId.split(':')[0],
              arn: `arn:aws:iam::${role[1]}:role/${role[2]}`,
              accountId: role[1],
              userName: role[2],
            },
          }),
    };
  }
  return identity;
}

/** The tables (or stream) a call names, as ARNs: a TableName may already be one. */
function resourcesOf(call: AuditedCall): { accountId: string; type: string; ARN: string }[] {
  const account = call.principal.account;
  const table = (name: string) => ({
    accountId: account,
    type: 'AWS::DynamoDB::Table',
    ARN: name.startsWith('arn:') ? name : `arn:aws:dynamodb:${call.region}:${account}:table/${name}`,
  });
  const stream = streamArn(call.body);
  if (stream !== undefined) return [{ accountId: account, type: 'AWS::DynamoDB::Stream', ARN: stream }];
  return requestTables(call.body).map(table);
}

/** A Streams call's stream: its StreamArn, or the ARN a shard iterator starts with (shard-iterator.ts). */
function streamArn(body: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof body.StreamArn === 'string') return body.StreamArn;
  if (typeof body.ShardIterator === 'string' && body.ShardIterator.includes('|')) return body.ShardIterator.split('|')[0];
  return undefined;
}

/** A response's member names as CloudTrail writes them (first letter lower-cased), at every depth. */
function camelCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCased);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) out[name.charAt(0).toLowerCase() + name.slice(1)] = camelCased(member);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
