/**
 * From a target header and body bytes to a JSON response text: the order of
 * checks is DynamoDB's (body syntax, then operation, then authentication, then
 * the request's shape, then the operation itself).
 */
import { ApiError, DynamoError, INTERNAL_FAILURE_MESSAGE } from '../protocol/errors.js';
import { checkShape } from '../protocol/shape.js';
import { findOperation } from '../operations/registry.js';
import { findStreamsOperation } from '../operations/streams/registry.js';
import { findReplicationOperation } from '../operations/replication/registry.js';
import { PEER_TARGET_PREFIX } from '../features/replication/peers.js';
import { cloudWatchRefusal, findCloudWatchOperation } from '../operations/cloudwatch/registry.js';
import { findAutoScalingOperation } from '../operations/autoscaling/registry.js';
import { CLOUDWATCH_TIMESTAMP_MEMBERS } from '../operations/cloudwatch/timestamp-members.js';
import type { FoundOperation, OperationLookup } from '../operations/operation-table.js';
import { RawJson, type Namespace, type Operation } from '../operations/operation.js';
import type { Services } from '../engine/services.js';
import { StorageContention, StorageFault, StorageUnavailable } from '../storage/faults.js';
import { TRANSACTION_ONGOING } from '../operations/items/transaction.js';
import { StaleCatalog } from '../engine/catalog.js';
import { requestTables, tablesNamed } from '../protocol/tables-named.js';
import { awaitReplicated, forwardToLeader, strongRoute } from '../features/replication/strong-consistency.js';
import { DYNAMODB_EVENT_SOURCE } from '../features/audit/audit-record.js';
import type { CallOrigin } from '../features/audit/audit-log.js';
import { authorize } from '../security/iam/authorize.js';

/**
 * The operations that read or write items: the hot path, which takes the
 * catalog's cache as it is (writes check its version in their own
 * transaction). Every other operation first makes sure the cache shows what
 * storage holds, so tables another process created, changed or deleted are
 * seen at once.
 */
const DATA_PLANE = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem',
  'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction',
]);

/** The errors a stale catalog could have caused: a table or index not found, or a table in use. */
const CATALOG_ERRORS = new Set(['ResourceNotFoundException', 'ResourceInUseException', 'ValidationException']);

/** How often one request is run again after finding the catalog stale: more means tables are changing faster than requests run. */
const STALE_RETRIES = 3;

/**
 * A body that is not UTF-8 is not JSON text (RFC 8259). No answer of DynamoDB
 * to one was found; it gets the answer to a body that does not parse
 * (SerializationException, as recorded in dynalite's tests) rather than having
 * what cannot be read replaced with U+FFFD, which made different keys one key.
 * A byte order mark stays in the text, so it is refused as before.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The APIs served on the one endpoint, by the target prefix their SDKs send:
 * DynamoDB's, DynamoDB Streams', and the parts of CloudWatch and Application
 * Auto Scaling that watch and scale tables. `refusal` turns a refusal of the
 * request's shape into the service's own error.
 */
interface Api {
  readonly prefix: string;
  /** CloudTrail's eventSource of its calls, in the audit log. */
  readonly eventSource: string;
  readonly find: OperationLookup;
  readonly refusal?: (error: DynamoError) => ApiError;
  /** Whether its requests are counted in CloudWatch's DynamoDB metrics (latency, errors). */
  readonly metered?: boolean;
  /** Set for an API also served in Smithy's RPC v2 CBOR protocol (see rpc-v2-cbor.ts). */
  readonly rpcV2?: RpcV2Protocol;
  /** The service its SDKs sign for: what a SigV4 credential scope must name (the service models' signingName). */
  readonly signingName: string;
}

export interface RpcV2Protocol {
  /** The namespace of the service's Smithy shape id; its name is the target prefix without the dot. */
  readonly namespace: string;
  /** The response members that hold timestamps, which CBOR tags. */
  readonly timestamps: ReadonlySet<string>;
}

const APIS: readonly Api[] = [
  { prefix: 'DynamoDB_20120810.', eventSource: DYNAMODB_EVENT_SOURCE, find: findOperation, metered: true, signingName: 'dynamodb' },
  { prefix: 'DynamoDBStreams_20120810.', eventSource: DYNAMODB_EVENT_SOURCE, find: findStreamsOperation, signingName: 'dynamodb' },
  {
    prefix: 'GraniteServiceVersion20100801.',
    eventSource: 'monitoring.amazonaws.com',
    find: findCloudWatchOperation,
    refusal: cloudWatchRefusal,
    // CloudWatch's model lists RPC v2 CBOR first, and SDKs that prefer it call CloudWatch that way (botocore 1.43 still prefers JSON).
    rpcV2: { namespace: 'com.amazonaws.cloudwatch', timestamps: CLOUDWATCH_TIMESTAMP_MEMBERS },
    signingName: 'monitoring',
  },
  { prefix: 'AnyScaleFrontendService.', eventSource: 'application-autoscaling.amazonaws.com', find: findAutoScalingOperation, signingName: 'application-autoscaling' },
  // Between Dynalith servers holding replicas of a global table; signed as DynamoDB requests are.
  { prefix: PEER_TARGET_PREFIX, eventSource: DYNAMODB_EVENT_SOURCE, find: findReplicationOperation, signingName: 'dynamodb' },
];

/** The operation a target names, and the API it belongs to. */
function operationFor(target: string | string[] | undefined): { api: Api; found: FoundOperation } | undefined {
  if (typeof target !== 'string') return undefined;
  for (const api of APIS) {
    if (!target.startsWith(api.prefix)) continue;
    const found = api.find(target.slice(api.prefix.length));
    return found === undefined ? undefined : { api, found };
  }
  return undefined;
}

/**
 * The API an RPC v2 path's service segment names, if it is served in that
 * protocol: the service's shape name or, as the Smithy spec asks servers to
 * accept too, its absolute shape id with `.` for `#`.
 */
export function rpcV2Api(service: string): { readonly prefix: string; readonly protocol: RpcV2Protocol } | undefined {
  for (const { prefix, rpcV2 } of APIS) {
    if (rpcV2 === undefined) continue;
    const name = prefix.slice(0, -1);
    if (service === name || service === `${rpcV2.namespace}.${name}`) return { prefix, protocol: rpcV2 };
  }
  return undefined;
}

export async function dispatch(
  target: string | string[] | undefined,
  bytes: Buffer,
  /** Who the request comes from, given the service its API signs for (server/authentication.ts). */
  authenticate: (service: string) => Namespace,
  services: Services,
  requestId: string,
  /** Who called, for the audit log; absent for calls that are not made over HTTP. */
  origin?: CallOrigin,
): Promise<string> {
  let body: unknown = undefined;
  if (bytes.length > 0) {
    try {
      body = JSON.parse(utf8.decode(bytes));
    } catch {
      throw new DynamoError('SerializationException', '');
    }
  }
  const named = operationFor(target);
  if (named === undefined) throw new DynamoError('UnknownOperationException', '');
  const { api, found } = named;
  const authenticated = authenticate(api.signingName);
  // Where the call came from, for IAM's aws:SourceIp and aws:SecureTransport.
  const namespace: Namespace =
    origin === undefined || authenticated.origin !== undefined
      ? authenticated
      : { ...authenticated, origin: { sourceIp: origin.sourceIp, secureTransport: origin.tls !== undefined, ...(origin.userAgent === undefined ? {} : { userAgent: origin.userAgent }) } };
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DynamoError('SerializationException', body === undefined ? '' : 'Start of structure or map found where not expected');
  }
  // A rarely used operation's module is loaded on its first request.
  const operation = found instanceof Promise ? await found : found;
  const { audit } = services;
  if (audit === undefined || origin === undefined || !audit.covers(operation.name)) return metered(operation, body, api, namespace, services, requestId);
  const call = { at: Date.now(), eventSource: api.eventSource, operation: operation.name, namespace, origin, body: body as Record<string, unknown>, requestId };
  try {
    const answer = await metered(operation, body, api, namespace, services, requestId);
    audit.record({ ...call, answer, error: undefined });
    return answer;
  } catch (error) {
    audit.record({ ...call, answer: undefined, error: auditedError(error) });
    throw error;
  }
}

/** An error as the audit log names it: the short type of the answer's `__type`; anything else became an InternalFailure. */
function auditedError(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.fullType.slice(error.fullType.lastIndexOf('#') + 1), message: error.message };
  return { code: 'InternalFailure', message: INTERNAL_FAILURE_MESSAGE };
}

/** Runs the call, counted in CloudWatch's metrics when its API is. */
async function metered(operation: Operation<unknown>, body: object, api: Api, namespace: Namespace, services: Services, requestId: string): Promise<string> {
  if (api.metered !== true || !services.metrics.enabled) return run(operation, body, api, namespace, services, requestId);
  const startedAt = performance.now();
  try {
    const answer = await run(operation, body, api, namespace, services, requestId);
    services.metrics.request(namespace, operation.name, tablesNamed(body), startedAt, undefined);
    return answer;
  } catch (error) {
    if (error instanceof ApiError) services.metrics.request(namespace, operation.name, tablesNamed(body), startedAt, error);
    throw error;
  }
}

/** Checks the request's shape and runs it, again while the catalog it used turns out stale. */
async function run(operation: Operation<unknown>, body: object, api: Api, namespace: Namespace, services: Services, requestId: string): Promise<string> {
  let request: unknown;
  try {
    request = checkShape(body, operation.shape);
  } catch (error) {
    throw api.refusal !== undefined && error instanceof DynamoError ? api.refusal(error) : error;
  }
  const { catalog } = services;
  if (!DATA_PLANE.has(operation.name)) await catalog.refreshIfStale();
  const { principal, origin } = namespace;
  // Anonymous callers (`--auth none`, DynamoDB Local's way) are not subject to IAM.
  if (principal !== undefined && principal.type !== 'Anonymous' && origin !== undefined) {
    await authorize({ principal, origin, namespace, api: api.prefix, operation: operation.name, request: request as object }, services);
  }
  for (let retries = 0; ; retries++) {
    const seen = catalog.version;
    try {
      const route = api.metered === true && catalog.hasStronglyConsistent ? strongRoute(services, operation.name, request as Record<string, unknown>, namespace, requestTables(body)) : undefined;
      if (route?.forwardTo !== undefined) return await forwardToLeader(services, route.forwardTo, operation.name, body);
      const result = await operation.execute(request, { namespace: route?.namespace ?? namespace, requestId, services });
      if (route?.awaitTable !== undefined) await awaitReplicated(services, route.awaitTable);
      return result instanceof RawJson ? result.text : JSON.stringify(result);
    } catch (error) {
      if (error instanceof StorageFault) throw storageFault(error, services, requestId);
      // Nothing was written: a stale write aborted in its transaction, and a refused request wrote nothing.
      const stale = error instanceof StaleCatalog || (error instanceof DynamoError && CATALOG_ERRORS.has(error.type));
      // Run again if the cache this attempt used has been replaced since (by this refresh or a concurrent one).
      if (stale && retries < STALE_RETRIES) {
        await catalog.refreshIfStale();
        if (catalog.version !== seen) continue;
      }
      if (error instanceof StaleCatalog) throw storageFault(new StorageFault(error.message), services, requestId);
      throw error;
    }
  }
}

/**
 * What DynamoDB answers when it fails for a reason of its own: a 500
 * InternalServerError, which the SDKs retry (its body as recorded from live
 * DynamoDB in aws/aws-sdk-java#1881 and aws/aws-sdk-js#3891). The log says
 * what really happened.
 */
function storageFault(error: StorageFault, services: Services, requestId: string): DynamoError {
  services.logger.error({ err: error, requestId }, error.message);
  // AWS's list of common errors: ServiceUnavailable, 503, "The request has failed due to a temporary failure of the server."
  if (error instanceof StorageUnavailable) return new DynamoError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
  // DynamoDB's answer to a write that meets an ongoing transaction on its item.
  if (error instanceof StorageContention) return new DynamoError('TransactionConflictException', TRANSACTION_ONGOING);
  return new DynamoError('InternalServerError', 'Internal server error');
}
