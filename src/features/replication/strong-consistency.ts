/**
 * Multi-Region strong consistency (MRSC, DynamoDB's 2025 mode), built here
 * on one leading region and synchronous replication: the region the table
 * was made strongly consistent in orders every write and every strongly
 * consistent read of it. A write or strong read made in another region runs
 * in the leading one (a region of this server: directly, since its regions
 * share its store; a peer's: sent there whole, ForwardRequest), and a write
 * is answered only once every replica has applied it. So a strongly consistent read anywhere sees every write
 * answered anywhere, and conditions are checked against one copy; what it
 * costs is that the leading region must be up for writes and strong reads
 * (DynamoDB's MRSC survives losing any one region), and the witness holds
 * nothing. Two writers never conflict, so ReplicatedWriteConflictException
 * is never raised. Eventually consistent reads stay in their own region.
 */
import { DynamoError, isErrorName, validation } from '../../protocol/errors.js';
import { callPeer, peerOf } from './peers.js';
import type { Namespace } from '../../operations/operation.js';
import type { Services } from '../../engine/services.js';
import type { TableRecord } from '../../engine/table.js';
import { readLogHead } from '../../engine/change-log.js';
import { cursorsOf } from './replica-cursors.js';

/** Item writes that name one table: run in the leading region. */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
/** Reads that name one table: a strongly consistent one runs in the leading region. */
const READS = new Set(['GetItem', 'Query', 'Scan']);
/** Operations DynamoDB does not take on an MRSC table (the Developer Guide lists transactions among them). */
const UNSUPPORTED = new Set(['TransactWriteItems', 'TransactGetItems', 'ExecuteTransaction']);
/** Operations of several items or tables, taken only in the leading region here. */
const LEADER_ONLY = new Set(['BatchWriteItem', 'BatchGetItem', 'ExecuteStatement', 'BatchExecuteStatement']);

/** How long a write waits for every replica before it is answered ServiceUnavailable (it stays written, and is replicated later). */
const REPLICATION_WAIT_MS = 10_000;

export function isStronglyConsistent(table: TableRecord | undefined): table is TableRecord & { readonly multiRegionStrong: { readonly leader: string } } {
  return table?.multiRegionStrong !== undefined;
}

export interface StrongRoute {
  /** Where the request runs: the leading region's namespace. */
  readonly namespace: Namespace;
  /** Set for a write: the leading region's table, whose replicas must apply it before the answer. */
  readonly awaitTable?: TableRecord;
  /** Set when another server serves the leading region: the request is sent there (ForwardRequest). */
  readonly forwardTo?: string;
}

/**
 * Where a request on strongly consistent tables runs, and what it waits
 * for; undefined for a request that names none (it runs as it is).
 */
export function strongRoute(services: Services, operation: string, request: Record<string, unknown>, namespace: Namespace, tables: readonly string[]): StrongRoute | undefined {
  const strong = tables.map((name) => services.catalog.get(namespace, name)).filter(isStronglyConsistent);
  if (strong.length === 0) return undefined;
  // No recording of DynamoDB's words for these was found.
  if (UNSUPPORTED.has(operation)) throw validation(`${operation} is not supported on a table with multi-Region strong consistency`);
  const table = strong[0]!;
  const leader = table.multiRegionStrong.leader;
  const leading = { ...namespace, region: leader };
  if (LEADER_ONLY.has(operation) && namespace.region !== leader) {
    throw validation(`${operation} on a table with multi-Region strong consistency is taken in its leading region (${leader}) only`);
  }
  const strongRead = READS.has(operation) && request.ConsistentRead === true;
  if (namespace.region !== leader && peerOf(services.config, leader) !== undefined) return WRITES.has(operation) || strongRead ? { namespace, forwardTo: leader } : undefined;
  const atLeader = services.catalog.get(leading, table.TableName);
  if (atLeader === undefined) throw new DynamoError('ServiceUnavailable', `The leading region ${leader} of table ${table.TableName} does not serve it`);
  // Whether a batch or statement wrote is not known here: the answer waits until every replica has what the log holds, which a read finds already so.
  if (LEADER_ONLY.has(operation)) return { namespace, awaitTable: atLeader };
  if (WRITES.has(operation)) return { namespace: leading, awaitTable: atLeader };
  return strongRead ? { namespace: leading } : undefined;
}

/** Whether the operation is one a peer may be asked to run for the leading region (ForwardRequest). */
export function forwardable(operation: string): boolean {
  return WRITES.has(operation) || READS.has(operation);
}

/** Whether the operation writes an item, and so is answered once every replica has it. */
export function isItemWrite(operation: string): boolean {
  return WRITES.has(operation);
}

/** What ForwardRequest answers: the operation's response (JSON text), or its DynamoDB error. */
export interface ForwardedAnswer {
  readonly Response?: string;
  readonly Error?: { readonly Type: string; readonly Message: string; readonly Extra?: Record<string, unknown> };
}

/** Runs the request on the server of the leading region, and answers as it did. */
export async function forwardToLeader(services: Services, leader: string, operation: string, body: object): Promise<string> {
  const answer = await callPeer<ForwardedAnswer>(services.config, leader, 'ForwardRequest', { Operation: operation, Request: JSON.stringify(body) });
  if (answer.Error !== undefined && isErrorName(answer.Error.Type)) throw new DynamoError(answer.Error.Type, answer.Error.Message, answer.Error.Extra);
  if (answer.Response === undefined) throw new DynamoError('ServiceUnavailable', `The server of region ${leader} answered ${operation} with nothing`);
  return answer.Response;
}

/** Waits until every replica of the table has applied every change logged so far. */
export async function awaitReplicated(services: Services, table: TableRecord): Promise<void> {
  const deadline = Date.now() + REPLICATION_WAIT_MS;
  for (;;) {
    const behind = await services.storage.read((tx) => {
      const next = readLogHead(tx, table.id)?.next ?? 1;
      return cursorsOf(tx, table.id).filter((cursor) => cursor.next < next).map((cursor) => cursor.region);
    });
    if (behind.length === 0) return;
    if (Date.now() > deadline) {
      throw new DynamoError('ServiceUnavailable', `The write is stored in ${table.region} but was not applied in ${behind.join(', ')} in time; it will be`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
