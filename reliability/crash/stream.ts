/**
 * The main table's stream, read once per round after the restart, and held
 * against the writes: every write that changed an item has exactly one
 * record, in order per item, with the item before and after it; a write that
 * changed nothing (a refused condition, a delete of a missing item) or did
 * not happen has none. A record may also be a TTL deletion, only of an item
 * whose expiry has passed. The records decide whether each write in flight
 * at the kill happened.
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { keyId } from './model.js';
import { sameItem, show, type Item } from './values.js';
import { Violation } from './violation.js';
import type { Change } from './workload.js';

/** Reads each record of a stream once, across rounds and restarts, checking that sequence numbers only grow. */
export class StreamLog {
  /** Per shard: the last sequence number read, and whether the shard is closed and read to its end. */
  private readonly shards = new Map<string, { last?: string; done: boolean }>();
  private lastSequence = -1n;

  constructor(private readonly arn: string) {}

  private async listShards(client: DynamoDBStreamsClient): Promise<Shard[]> {
    const shards: Shard[] = [];
    let after: string | undefined;
    do {
      const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: this.arn, ExclusiveStartShardId: after }));
      shards.push(...(StreamDescription?.Shards ?? []));
      after = StreamDescription?.LastEvaluatedShardId;
    } while (after !== undefined);
    return shards;
  }

  /** The records written since the last call, parents' shards before their children's. */
  async readNew(client: DynamoDBStreamsClient): Promise<StreamRecord[]> {
    const records: StreamRecord[] = [];
    for (const shard of await this.listShards(client)) {
      const ShardId = shard.ShardId!;
      const state = this.shards.get(ShardId) ?? { done: false };
      this.shards.set(ShardId, state);
      if (state.done) continue;
      const position = state.last === undefined ? { ShardIteratorType: 'TRIM_HORIZON' as const } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.last };
      let iterator = (await client.send(new GetShardIteratorCommand({ StreamArn: this.arn, ShardId, ...position }))).ShardIterator;
      while (iterator !== undefined) {
        const { Records = [], NextShardIterator } = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        for (const record of Records) {
          const sequence = BigInt(record.dynamodb!.SequenceNumber!);
          if (sequence <= this.lastSequence) throw new Violation(`stream record ${sequence} comes after ${this.lastSequence}: records out of order or read twice`);
          this.lastSequence = sequence;
          state.last = record.dynamodb!.SequenceNumber!;
          records.push(record);
        }
        // A closed shard read to its end has no next iterator; an open one is read up to its end.
        if (NextShardIterator === undefined) state.done = true;
        iterator = Records.length === 0 ? undefined : NextShardIterator;
      }
    }
    return records;
  }
}

interface Expected {
  readonly change: Change;
  /** Names the write in messages. */
  readonly write: string;
  readonly inFlight: boolean;
}

/** Whether a change writes a stream record: an expiring key's puts always do (its item may have been swept since). */
export function changesItem(change: Change): boolean {
  return change.ref.expiring || !sameItem(change.before, change.after);
}

const asItem = (image: unknown) => image as Item | undefined;

export interface StreamCheckResult {
  /** The in-flight changes that have their record: they happened. */
  readonly happened: ReadonlySet<Change>;
  readonly records: number;
  readonly ttlDeletions: number;
}

export class StreamCheck {
  /** Each main-table item as its records so far leave it. */
  private readonly replayed = new Map<string, Item>();
  private readonly expected = new Map<string, Expected[]>();

  /** A change of the main table that must (or, in flight, may) have a record. */
  expect(change: Change, write: string, inFlight: boolean): void {
    if (change.ref.table !== 'main' || !changesItem(change)) return;
    let queue = this.expected.get(change.ref.id);
    if (queue === undefined) this.expected.set(change.ref.id, (queue = []));
    queue.push({ change, write, inFlight });
  }

  private ttlDeletion(record: StreamRecord, id: string): void {
    const current = this.replayed.get(id);
    const { Type, PrincipalId } = record.userIdentity ?? {};
    const expiry = Number(current?.exp?.N ?? Number.NaN);
    const at = (record.dynamodb!.ApproximateCreationDateTime?.getTime() ?? 0) / 1000;
    if (Type !== 'Service' || PrincipalId !== 'dynamodb.amazonaws.com' || record.eventName !== 'REMOVE') {
      throw new Violation(`stream record ${record.dynamodb!.SequenceNumber} of ${id} has userIdentity ${JSON.stringify(record.userIdentity)} (${record.eventName})`);
    }
    if (!(expiry <= at + 1)) throw new Violation(`TTL deleted ${id} (record ${record.dynamodb!.SequenceNumber}) before its expiry: ${show(current)}`);
    if (!sameItem(asItem(record.dynamodb!.OldImage), current) || record.dynamodb!.NewImage !== undefined) {
      throw new Violation(`TTL deletion record of ${id} has OldImage ${show(asItem(record.dynamodb!.OldImage))}, the item was ${show(current)}`);
    }
    this.replayed.delete(id);
  }

  private write(record: StreamRecord, id: string, expected: Expected | undefined): void {
    const sequence = record.dynamodb!.SequenceNumber;
    if (expected === undefined) {
      throw new Violation(`stream record ${sequence} (${record.eventName} of ${id}, NewImage ${show(asItem(record.dynamodb!.NewImage))}) matches no write`);
    }
    const { change, write } = expected;
    const current = this.replayed.get(id);
    if (!change.ref.expiring && !sameItem(change.before, current)) {
      throw new Violation(`${write} was sent when ${id} was ${show(change.before)}, but its records say ${show(current)}`);
    }
    const event = current === undefined ? 'INSERT' : change.after === undefined ? 'REMOVE' : 'MODIFY';
    const problems = [
      record.eventName !== event ? `eventName ${record.eventName}, expected ${event}` : undefined,
      !sameItem(asItem(record.dynamodb!.OldImage), current) ? `OldImage ${show(asItem(record.dynamodb!.OldImage))}, expected ${show(current)}` : undefined,
      !sameItem(asItem(record.dynamodb!.NewImage), change.after) ? `NewImage ${show(asItem(record.dynamodb!.NewImage))}, expected ${show(change.after)}` : undefined,
      !sameItem(asItem(record.dynamodb!.Keys), change.ref.key) ? `Keys ${show(asItem(record.dynamodb!.Keys))}` : undefined,
      record.dynamodb!.StreamViewType !== 'NEW_AND_OLD_IMAGES' ? `StreamViewType ${record.dynamodb!.StreamViewType}` : undefined,
    ].filter((problem) => problem !== undefined);
    if (problems.length > 0) throw new Violation(`stream record ${sequence} for ${write} on ${id}: ${problems.join('; ')}`);
    if (change.after === undefined) this.replayed.delete(id);
    else this.replayed.set(id, change.after);
  }

  /**
   * Matches the records read since the last check against the writes
   * expected since then. Every acknowledged change must have its record; an
   * in-flight one happened if its record is there.
   */
  verify(records: readonly StreamRecord[]): StreamCheckResult {
    const happened = new Set<Change>();
    const byKey = new Map<string, StreamRecord[]>();
    for (const record of records) {
      const id = keyId('main', asItem(record.dynamodb!.Keys) ?? {});
      let list = byKey.get(id);
      if (list === undefined) byKey.set(id, (list = []));
      list.push(record);
    }
    let ttlDeletions = 0;
    for (const id of new Set([...byKey.keys(), ...this.expected.keys()])) {
      const queue = this.expected.get(id) ?? [];
      for (const record of byKey.get(id) ?? []) {
        if (record.userIdentity !== undefined) {
          this.ttlDeletion(record, id);
          ttlDeletions++;
          continue;
        }
        const expected = queue.shift();
        this.write(record, id, expected);
        if (expected!.inFlight) happened.add(expected!.change);
      }
      const missing = queue.find((expected) => !expected.inFlight);
      if (missing !== undefined) throw new Violation(`acknowledged ${missing.write} has no stream record for ${id} (expected NewImage ${show(missing.change.after)})`);
      this.expected.delete(id);
    }
    return { happened, records: records.length, ttlDeletions };
  }

  /** The item the records leave, for the table check. */
  replayedItem(id: string): Item | undefined {
    return this.replayed.get(id);
  }
}
