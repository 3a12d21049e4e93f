/**
 * Replicas on other Dynalith servers (`--peer region=url`): a region named
 * there is served by that server, and what a replica there must learn (its
 * table, the group's changes, the items) goes to it over HTTP through
 * Dynalith's own API for replication (operations/replication/), signed with
 * `--peer-credentials` for the replica's region, as a client of that region
 * would sign. A region no peer serves is a region of this server.
 */
import { DynamoApi } from '../../protocol/json-api-client.js';
import { DynamoError } from '../../protocol/errors.js';
import type { Config } from '../../config.js';
import type { Item } from '../../model/attribute-value.js';
import type { ReplicatedChange } from './apply-replicated.js';

/** The X-Amz-Target prefix of the replication API peers call each other with. */
export const PEER_TARGET_PREFIX = 'DynalithReplication_20261208.';

/** A peer silent this long is taken as unreachable: its changes wait, and the replicator tries again. */
const PEER_TIMEOUT_MS = 10_000;

const clients = new WeakMap<Config, Map<string, DynamoApi>>();

/** The client of the peer serving `region`, if another server does. */
export function peerOf(config: Config, region: string): DynamoApi | undefined {
  const endpoint = config.peers[region];
  if (endpoint === undefined) return undefined;
  let known = clients.get(config);
  if (known === undefined) clients.set(config, (known = new Map()));
  let client = known.get(region);
  if (client === undefined) known.set(region, (client = new DynamoApi({ endpoint, region, credentials: config.peerCredentials, targetPrefix: PEER_TARGET_PREFIX, timeoutMs: PEER_TIMEOUT_MS })));
  return client;
}

/**
 * Calls the peer serving `region`; a peer that cannot be reached or refuses
 * is the caller's ServiceUnavailable (503, which SDKs retry): the change it
 * was part of is not made, and doing it again is safe.
 */
export async function callPeer<Output>(config: Config, region: string, operation: string, input: object): Promise<Output> {
  const peer = peerOf(config, region)!;
  try {
    return await peer.call<Output>(operation, input);
  } catch (error) {
    throw new DynamoError('ServiceUnavailable', `The server of region ${region} (${config.peers[region]}) did not take ${operation}: ${(error as Error).message}`);
  }
}

/** A change as the replication API carries it. */
export interface WireChange {
  readonly Key: Item;
  readonly Item?: Item;
  readonly At: number;
  readonly Region: string;
  readonly Ttl?: boolean;
}

export function toWire(change: ReplicatedChange): WireChange {
  return {
    Key: change.key,
    ...(change.item !== undefined ? { Item: change.item } : {}),
    At: change.version.at,
    Region: change.version.region,
    ...(change.ttl === true ? { Ttl: true } : {}),
  };
}

export function fromWire(change: WireChange): ReplicatedChange {
  return {
    key: change.Key,
    ...(change.Item !== undefined ? { item: change.Item } : {}),
    version: { at: change.At, region: change.Region },
    ...(change.Ttl === true ? { ttl: true } : {}),
  };
}
