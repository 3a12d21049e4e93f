/**
 * The crash test's rounds: a server on one data directory under the mixed
 * load of `workload.ts`, killed with SIGKILL at a random moment, restarted,
 * and checked. Writes acknowledged before the kill update the model at once;
 * the ones in flight stay locked until the restarted server shows whether
 * each happened (whole, for a transaction).
 */
import { CreateTableCommand, DynamoDBClient, DynamoDBServiceException, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { startChild, type ChildServer } from '../../test/helpers/child-server.js';
import { seededRandom } from '../../bench/lib/stats.js';
import { checkIndexes, checkItems, checkTableCounts, describe, lateIndexState, scanAll, settle, waitUntil, type LateIndexState } from './checks.js';
import { keyId, Model, type KeyRef, type Sizes } from './model.js';
import { CREATE_MAIN, CREATE_SIDE, LATE_INDEX, MAIN, SIDE, TTL_ATTRIBUTE, indexDefinition, keyDefinitions } from './schema.js';
import { changesItem, StreamCheck, StreamLog } from './stream.js';
import { sameItem, show, type Item } from './values.js';
import { Violation } from './violation.js';
import { checkDataDir } from '../../src/check/data-dir-check.js';
import { batchWrite, nextOperation, type Change, type Draw, type Operation, type ServiceFailure } from './workload.js';

export interface RunOptions {
  readonly rounds: number;
  readonly seed: number;
  /** The server's data directory (fresh). */
  readonly dataDir: string;
  /** More flags for the server (e.g. --workers once it exists). */
  readonly serverArgs: readonly string[];
  /** Writes in flight at once. */
  readonly concurrency: number;
  /** The kill comes this long after the load starts: uniformly in [min, max] ms. */
  readonly killMinMs: number;
  readonly killMaxMs: number;
  readonly sizes: Sizes;
  /** How long background work (backfill, TTL sweep) may take after a restart. */
  readonly settleTimeoutMs: number;
  /** With a disk to fill: each round fills it for a while (the kill may come while it is full). */
  readonly disk?: Disk;
  readonly log: (line: string) => void;
}

/** The data directory's disk, made full and given space again (test/helpers/tmpfs.ts). */
export interface Disk {
  fill(leaveBytes: number): void;
  free(): void;
}

export interface InFlightOutcomes {
  operations: number;
  /** Took effect (every change a transaction makes). */
  happened: number;
  didNot: number;
  /** A batch's writes stand alone: some happened, some did not. */
  partly: number;
  /** Nothing to see either way: a condition that refused it, or writes that change nothing. */
  invisible: number;
}

export interface Summary {
  rounds: number;
  operations: number;
  /** Operations answered with success, and the item writes they made. */
  acknowledged: number;
  itemWrites: number;
  /** Operations answered with the refusal their condition called for. */
  refused: number;
  /** Operations refused because the disk was full (InternalServerError), which must not have happened. */
  refusedDiskFull: number;
  /** Rounds whose kill came while the disk was full. */
  killsOnFullDisk: number;
  inFlight: InFlightOutcomes;
  killsDuringBackfill: number;
  lateIndexCreates: number;
  lateIndexDeletes: number;
  streamRecords: number;
  ttlDeletions: number;
  /** Per check, how many times it passed. */
  checks: Record<string, number>;
  items: number;
  indexEntries: number;
}

export class RoundViolation extends Error {
  constructor(
    readonly round: number,
    readonly violation: Violation,
  ) {
    super(violation.message);
  }
}

const SERVER_FLAGS = ['--port', '0', '--log-level', 'warn', '--ttl-interval-ms', '200', '--stream-shard-records', '1000'];

function clients(endpoint: string): { ddb: DynamoDBClient; streams: DynamoDBStreamsClient } {
  // One attempt: a retry after the kill would blur which writes were in flight.
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'crash', secretAccessKey: 'crash' }, maxAttempts: 1 };
  return { ddb: new DynamoDBClient(config), streams: new DynamoDBStreamsClient(config) };
}

const label = (op: Operation) => `${op.kind} #${op.id}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CrashRun {
  private readonly model: Model;
  private readonly streamCheck = new StreamCheck();
  private streamLog: StreamLog | undefined;
  private server: ChildServer | undefined;
  private killed = false;
  private violation: Violation | undefined;
  private readonly inFlight: Operation[] = [];
  private lateIndex: LateIndexState = 'absent';
  private nextId = 1;
  readonly summary: Summary = {
    rounds: 0,
    operations: 0,
    acknowledged: 0,
    itemWrites: 0,
    refused: 0,
    refusedDiskFull: 0,
    killsOnFullDisk: 0,
    inFlight: { operations: 0, happened: 0, didNot: 0, partly: 0, invisible: 0 },
    killsDuringBackfill: 0,
    lateIndexCreates: 0,
    lateIndexDeletes: 0,
    streamRecords: 0,
    ttlDeletions: 0,
    checks: {},
    items: 0,
    indexEntries: 0,
  };

  constructor(private readonly options: RunOptions) {
    this.model = new Model(options.sizes);
  }

  private passed(check: string): void {
    this.summary.checks[check] = (this.summary.checks[check] ?? 0) + 1;
  }

  private draw(random: (limit: number) => number): Draw {
    return { random, model: this.model, now: () => Math.floor(Date.now() / 1000), nextId: () => this.nextId++ };
  }

  private async start(): Promise<ChildServer> {
    this.killed = false;
    const server = await startChild([...SERVER_FLAGS, '--data-dir', this.options.dataDir, ...this.options.serverArgs]);
    server.exited().then((code) => {
      if (!this.killed) this.violation ??= new Violation(`the server exited by itself (code ${code}): ${server.output().slice(-2000)}`);
    });
    this.server = server;
    return server;
  }

  /** Sends one operation and settles what its answer (or its lack of one) means for the model. */
  private async run(client: DynamoDBClient, op: Operation): Promise<void> {
    this.summary.operations++;
    let answer: unknown;
    try {
      answer = await op.send(client);
    } catch (error) {
      if (!(error instanceof DynamoDBServiceException)) {
        if (!this.killed) throw new Violation(`${label(op)} got no answer: ${(error as Error).message}`);
        this.inFlight.push(op);
        if (op.refusal === undefined) for (const change of op.changes) this.streamCheck.expect(change, label(op), true);
        return;
      }
      const failure = error as unknown as ServiceFailure;
      if (failure.name === 'InternalServerError' && this.options.disk !== undefined) {
        // A commit the disk could not take: nothing of it was written (the stream check sees to it).
        this.summary.refusedDiskFull++;
        this.model.unlock(op.changes.map((change) => change.ref));
        return;
      }
      if (failure.name !== op.refusal) {
        const expected = op.refusal === undefined ? 'success' : op.refusal;
        throw new Violation(`${label(op)} answered ${failure.name} (${failure.message}), expected ${expected}; items before: ${op.changes.map((c) => `${c.ref.id} ${show(c.before)}`).join(', ')}`);
      }
      const problem = op.checkRefusal(failure);
      if (problem !== undefined) throw new Violation(`${label(op)} refused with ${problem}`);
      this.summary.refused++;
      this.model.unlock(op.changes.map((change) => change.ref));
      return;
    }
    if (op.refusal !== undefined) {
      throw new Violation(`${label(op)} succeeded, but the model expects ${op.refusal}; items before: ${op.changes.map((c) => `${c.ref.id} ${show(c.before)}`).join(', ')}`);
    }
    const problem = op.checkAnswer(answer);
    if (problem !== undefined) throw new Violation(`${label(op)} answered ${problem}`);
    for (const change of op.changes) {
      this.model.set(change.ref, change.after);
      this.streamCheck.expect(change, label(op), false);
    }
    this.summary.acknowledged++;
    this.summary.itemWrites += op.changes.filter(changesItem).length;
    this.model.unlock(op.changes.map((change) => change.ref));
  }

  /** Runs operations from `next` on `concurrency` workers until `stop()` says so; a violation stops them all. */
  private load(client: DynamoDBClient, next: () => Operation | undefined, concurrency: number, stop: () => boolean): Promise<void> {
    const worker = async () => {
      while (!stop() && this.violation === undefined) {
        const op = next();
        if (op === undefined) {
          // Its keys were taken: draw again after the others have moved on.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        try {
          await this.run(client, op);
        } catch (error) {
          if (!(error instanceof Violation)) throw error;
          this.violation ??= error;
        }
      }
    };
    return Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);
  }

  /** Fresh tables, TTL on, and every main key written once. */
  private async setUp(): Promise<void> {
    const { endpoint } = await this.start();
    const { ddb, streams } = clients(endpoint);
    try {
      await ddb.send(new CreateTableCommand(CREATE_MAIN));
      await ddb.send(new CreateTableCommand(CREATE_SIDE));
      await ddb.send(new UpdateTimeToLiveCommand({ TableName: MAIN, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
      await waitUntil('the tables becoming ACTIVE', this.options.settleTimeoutMs, async () => (await describe(ddb, MAIN)).TableStatus === 'ACTIVE' && (await describe(ddb, SIDE)).TableStatus === 'ACTIVE');
      this.streamLog = new StreamLog((await describe(ddb, MAIN)).LatestStreamArn!);
      const draw = this.draw(seededRandom(this.options.seed));
      const chunks: KeyRef[][] = [];
      for (let i = 0; i < this.model.main.length; i += 25) chunks.push(this.model.main.slice(i, i + 25));
      await this.load(ddb, () => {
        const refs = chunks.shift();
        return refs !== undefined && this.model.tryLock(refs) ? batchWrite(draw, refs, true) : undefined;
      }, 8, () => chunks.length === 0);
      if (this.violation !== undefined) throw this.violation;
      await this.check(0, ddb, streams);
    } catch (error) {
      if (error instanceof Violation) throw new RoundViolation(0, error);
      throw error;
    } finally {
      ddb.destroy();
      streams.destroy();
    }
  }

  /** Creates the late index when it is absent, deletes it when it is there, as a client would; its outcome is seen after the restart. */
  private async changeLateIndex(client: DynamoDBClient): Promise<void> {
    const create = this.lateIndex === 'absent';
    const update = create
      ? { AttributeDefinitions: keyDefinitions(LATE_INDEX), GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(LATE_INDEX) }] }
      : { GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: LATE_INDEX.name } }] };
    try {
      await client.send(new UpdateTableCommand({ TableName: MAIN, ...update }));
      if (create) this.summary.lateIndexCreates++;
      else this.summary.lateIndexDeletes++;
    } catch (error) {
      const diskFull = error instanceof DynamoDBServiceException && error.name === 'InternalServerError' && this.options.disk !== undefined;
      if (!diskFull && (error instanceof DynamoDBServiceException || !this.killed)) this.violation ??= new Violation(`UpdateTable (${create ? 'create' : 'delete'} index late): ${(error as Error).message}`);
    }
  }

  private async round(round: number): Promise<void> {
    const random = seededRandom(this.options.seed * 7919 + round);
    const { killMinMs, killMaxMs, concurrency } = this.options;
    const killAfter = killMinMs + random(killMaxMs - killMinMs + 1);
    // A creation late in the load, so the kill often lands in its backfill; a deletion anywhere.
    const indexAfter = this.lateIndex === 'absent' ? Math.max(0, killAfter - random(500)) : random(killAfter);
    const server = this.server!;
    const { ddb } = clients(server.endpoint);
    const draw = this.draw(random);
    let stopping = false;
    const indexChange = sleep(indexAfter).then(() => (stopping ? undefined : this.changeLateIndex(ddb)));
    const diskFreed = this.fillDisk(random, killAfter);
    const load = this.load(ddb, () => nextOperation(draw), concurrency, () => stopping);
    await Promise.race([sleep(killAfter), server.exited()]);
    stopping = true;
    this.killed = true;
    server.process.kill('SIGKILL');
    await server.exited();
    await load;
    await indexChange;
    ddb.destroy();
    if (this.violation !== undefined) throw new RoundViolation(round, this.violation);
    const inFlight = this.inFlight.length;
    try {
      await this.checkStore();
    } catch (error) {
      if (error instanceof Violation) throw new RoundViolation(round, error);
      throw error;
    }
    // The restart may find the disk still full; the checks wait until it has space, as they need background work done.
    const restarted = await this.start();
    const after = clients(restarted.endpoint);
    try {
      await diskFreed;
      if (lateIndexState(await describe(after.ddb, MAIN)) === 'backfilling') this.summary.killsDuringBackfill++;
      await this.check(round, after.ddb, after.streams);
    } catch (error) {
      if (error instanceof Violation) throw new RoundViolation(round, error);
      throw error;
    } finally {
      after.ddb.destroy();
      after.streams.destroy();
    }
    this.summary.rounds = round;
    const { items, indexEntries } = this.summary;
    this.options.log(
      `round ${round}/${this.options.rounds}: killed after ${killAfter} ms with ${inFlight} operations in flight; ` +
        `${this.summary.acknowledged} acknowledged so far; late index ${this.lateIndex}; ${items} items, ${indexEntries} index entries checked`,
    );
  }

  /**
   * With a disk: fills it at a random moment of the round's load, leaving up to 1 MB, and frees it at a later one,
   * which may come after the kill (then the server restarts on a full disk). Resolves once freed.
   */
  private async fillDisk(random: (limit: number) => number, killAfter: number): Promise<void> {
    const disk = this.options.disk;
    if (disk === undefined) return;
    const fillAfter = random(killAfter);
    const freeAfter = fillAfter + 1 + random(killAfter + 1500 - fillAfter);
    const leave = random(1 << 20);
    await sleep(fillAfter);
    disk.fill(leave);
    if (freeAfter > killAfter) this.summary.killsOnFullDisk++;
    await sleep(freeAfter - fillAfter);
    disk.free();
  }

  /** `dynalith check` on the killed server's data directory: no damage, nothing left that no table owns. */
  private async checkStore(): Promise<void> {
    const report = await checkDataDir(this.options.dataDir);
    const problems = [...report.damage, ...report.leftovers.map((line) => `leftover: ${line}`)];
    if (problems.length > 0) throw new Violation(`dynalith check after the kill: ${problems.slice(0, 5).join('; ')}`);
    this.passed('dynalith check: no damage, no leftovers');
  }

  /** After a restart: background work settles, then the stream, the tables, the indexes and the counts are checked. */
  private async check(round: number, ddb: DynamoDBClient, streams: DynamoDBStreamsClient): Promise<void> {
    await settle(ddb, this.options.settleTimeoutMs);
    this.passed('background work finished (backfill, TTL sweep)');
    const records = await this.streamLog!.readNew(streams);
    const stream = this.streamCheck.verify(records);
    this.summary.streamRecords += stream.records;
    this.summary.ttlDeletions += stream.ttlDeletions;
    this.passed('stream records exactly the committed writes');
    const sideItems = await scanAll(ddb, { TableName: SIDE, ConsistentRead: true });
    this.resolveInFlight(stream.happened, sideItems, round);
    this.passed('writes in flight: all or nothing');
    const mainItems = await scanAll(ddb, { TableName: MAIN, ConsistentRead: true });
    checkItems('main', this.expected(this.model.main.concat(this.model.expiring)), mainItems);
    checkItems('side', this.expected(this.model.side), sideItems);
    this.passed('tables hold exactly the acknowledged state');
    for (const item of mainItems) {
      const id = keyId('main', item);
      if (!sameItem(this.streamCheck.replayedItem(id), item)) throw new Violation(`${id}: the stream's records leave ${show(this.streamCheck.replayedItem(id))}, the table has ${show(item)}`);
    }
    const table = await describe(ddb, MAIN);
    checkTableCounts(table, mainItems);
    checkTableCounts(await describe(ddb, SIDE), sideItems);
    this.passed('table item counts and sizes exact');
    const indexes = await checkIndexes(ddb, table, mainItems);
    this.passed('indexes equal their recomputation, counts exact');
    this.lateIndex = lateIndexState(table);
    this.summary.items = mainItems.length + sideItems.length;
    this.summary.indexEntries = indexes.entries;
  }

  /** The items the model expects in a table: an expiring key's item is gone once its expiry passed (TTL swept it). */
  private expected(refs: readonly KeyRef[]): Map<string, Item> {
    const now = Date.now() / 1000;
    const expected = new Map<string, Item>();
    for (const ref of refs) {
      const item = this.model.state(ref);
      if (item === undefined || (ref.expiring && Number(item.exp?.N) <= now)) continue;
      expected.set(ref.id, item);
    }
    return expected;
  }

  /** Decides, from the stream (main) and the table (side), whether each operation in flight at the kill happened, all or nothing. */
  private resolveInFlight(happened: ReadonlySet<Change>, sideItems: readonly Item[], round: number): void {
    const side = new Map(sideItems.map((item) => [keyId('side', item), item]));
    const outcome = (op: Operation, change: Change): 'happened' | 'not' | 'invisible' => {
      if (!changesItem(change)) return 'invisible';
      if (change.ref.table === 'main') return happened.has(change) ? 'happened' : 'not';
      const now = side.get(change.ref.id);
      if (sameItem(now, change.after)) return 'happened';
      if (sameItem(now, change.before)) return 'not';
      throw new Violation(`${change.ref.id} is ${show(now)} after ${label(op)}, in flight, which would leave ${show(change.after)} (before: ${show(change.before)})`);
    };
    const stats = this.summary.inFlight;
    for (const op of this.inFlight.splice(0)) {
      const outcomes = op.changes.map((change) => outcome(op, change));
      const some = outcomes.includes('happened');
      const notAll = outcomes.includes('not');
      if (some && op.refusal !== undefined) throw new Violation(`${label(op)}, in flight, took effect though its condition was false (${op.refusal})`);
      if (some && notAll && op.atomic) {
        const parts = op.changes.map((change, i) => `${change.ref.id}: ${outcomes[i]}`).join(', ');
        throw new Violation(`${label(op)} (round ${round}, in flight at the kill) happened in part: ${parts}`);
      }
      op.changes.forEach((change, i) => {
        if (outcomes[i] === 'happened' || (op.atomic && some)) this.model.set(change.ref, change.after);
      });
      stats.operations++;
      if (some && notAll) stats.partly++;
      else if (some) stats.happened++;
      else if (notAll) stats.didNot++;
      else stats.invisible++;
      this.model.unlock(op.changes.map((change) => change.ref));
    }
  }

  /** Every round, then a clean stop; a violation ends the run at once (RoundViolation), killing the server. */
  async execute(): Promise<Summary> {
    try {
      await this.setUp();
      for (let round = 1; round <= this.options.rounds; round++) await this.round(round);
    } catch (error) {
      this.killServer();
      throw error;
    }
    this.killed = true;
    this.server!.process.kill('SIGTERM');
    await this.server!.exited();
    return this.summary;
  }

  /** The end of what the current (or last) server process wrote, for a violation's report. */
  serverOutput(): string {
    return this.server?.output().slice(-3000) ?? '';
  }

  /** For an interrupted run: the server must not outlive it. */
  killServer(): void {
    this.killed = true;
    this.server?.process.kill('SIGKILL');
  }
}
