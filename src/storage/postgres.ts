/**
 * The PostgreSQL backend (`--storage postgres://...`): every node is
 * stateless, the database holds everything. It also serves PostgreSQL-protocol
 * distributed SQL (CockroachDB, YugabyteDB; see docs/architecture.md for the
 * settings each needs).
 *
 * Transaction callbacks are synchronous and a database answers over the
 * network, so a callback runs over the data fetched so far
 * (fetching-snapshot.ts) and again after each fetch of what it missed, inside
 * one database transaction: SERIALIZABLE for writes, so a conditional write or
 * a transaction is exactly as isolated as on LMDB, and retried from scratch
 * when the database reports a serialisation failure. A read whose callback
 * needs one fetch (GetItem, most Queries) is one statement, which sees one
 * snapshot by itself; a read that needs more starts over inside a REPEATABLE
 * READ transaction.
 *
 * A database that cannot be reached is a fault of the store
 * (StorageUnavailable: the API answers 503 ServiceUnavailable, which the SDKs
 * retry); the pool opens new connections for the next requests, so the node
 * recovers by itself once the database is back.
 */
import pg from 'pg';
import type { Bytes, Entry, ReadTransaction, Storage, WriteTransaction } from './storage.js';
import { checkKey, compareBytes } from './bytes.js';
import { FetchingSnapshot, type Missing } from './fetching-snapshot.js';
import { runScoped } from './scope.js';
import { writeThroughOverlay } from './overlay.js';
import { CommitFailed, StorageContention, StorageFault, StorageUnavailable } from './faults.js';
import { KV_TABLE, MIGRATIONS, SCHEMA_TABLE, applyStatements, fetchStatement } from './postgres-sql.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (libpq's URL form; `options=-c search_path=...` picks a schema). */
  readonly url: string;
  readonly poolSize?: number;
  /** Longest a statement may run before the database cancels it. */
  readonly statementTimeoutMs?: number;
  /** How long opening the store keeps trying to reach the database. */
  readonly startupTimeoutMs?: number;
  /** Told about failures the store recovers from (an idle connection dropped). */
  readonly onWarning?: (message: string, error: unknown) => void;
}

interface Row {
  readonly q: number;
  readonly k: Buffer;
  readonly v: Buffer;
}

/** SQLSTATEs after which the whole transaction is run again: serialisation failure, deadlock. */
const RETRY_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 50;

/** Node's socket errors and PostgreSQL's connection exceptions and shutdowns. */
function unreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^E[A-Z]+$/.test(code)) return true;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/.test(error.message);
}

function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRY_CODES.has(code);
}

/** The store's own failure for a database error; a request's own errors pass through. */
function asFault(error: unknown): unknown {
  if (error instanceof StorageFault || !(error instanceof pg.DatabaseError || unreachable(error))) return error;
  if (unreachable(error)) return new StorageUnavailable(`PostgreSQL cannot be reached: ${(error as Error).message}`);
  const { code, message } = error as pg.DatabaseError;
  if (code === '57014') return new StorageFault(`PostgreSQL cancelled a statement (statement timeout): ${message}`);
  if (code?.startsWith('53')) return new CommitFailed(`PostgreSQL is out of resources (${code}): ${message}`);
  return new StorageFault(`PostgreSQL failed (${code ?? 'no code'}): ${message}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jittered, growing, capped: conflicting writers spread out instead of colliding again. */
const backoff = (attempt: number) => pause(Math.random() * Math.min(2 ** attempt, 100));

async function run(client: pg.PoolClient | pg.Pool, text: string): Promise<pg.QueryResult[]> {
  const result = (await client.query(text)) as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}

/** Hands a fetch's rows to the snapshot: point reads by key, each range's page in its walk order. */
function absorb(snapshot: FetchingSnapshot, missing: Missing, rows: readonly Row[]): void {
  const values = new Map<string, Bytes>();
  const pages = missing.ranges.map((range) => ({ range, entries: [] as Entry[] }));
  for (const row of rows) {
    const q = Number(row.q);
    if (q === 0) values.set(FetchingSnapshot.id(row.k), plain(row.v));
    else pages[q - 1]!.entries.push({ key: plain(row.k), value: plain(row.v) });
  }
  // UNION ALL keeps no order between or within its parts.
  for (const page of pages) page.entries.sort((a, b) => (page.range.reverse ? -1 : 1) * compareBytes(a.key, b.key));
  snapshot.add(missing, values, pages);
}

/** The contract hands out plain Uint8Arrays; pg's Buffers are views of the same memory. */
const plain = (bytes: Buffer): Bytes => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

type Outcome<T> = { readonly value: T } | { readonly error: unknown };

function attempt<T>(body: () => T): Outcome<T> {
  try {
    return { value: body() };
  } catch (error) {
    return { error };
  }
}

function settle<T>(outcome: Outcome<T>): T {
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

export async function openPostgresStorage(options: PostgresOptions): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 16,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  // An idle connection the database dropped is replaced on the next request; without a listener it would end the process.
  pool.on('error', (error) => options.onWarning?.('an idle PostgreSQL connection failed', error));
  let closed = false;
  /** Calls under way: close() lets them finish before it ends the pool. */
  const inFlight = new Set<Promise<unknown>>();

  function ensureOpen(): void {
    if (closed) throw new Error('Storage is closed');
  }

  function tracked<T>(work: Promise<T>): Promise<T> {
    const settled: Promise<unknown> = work.then(
      () => inFlight.delete(settled),
      () => inFlight.delete(settled),
    );
    inFlight.add(settled);
    return work;
  }

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      throw asFault(error);
    }
  }

  /** Runs `body` again after a serialisation failure, and turns the database's failures into the store's. */
  async function retried<T>(body: () => Promise<T>): Promise<T> {
    for (let attempts = 1; ; attempts++) {
      try {
        return await body();
      } catch (error) {
        if (!retryable(error)) throw asFault(error);
        if (attempts >= MAX_ATTEMPTS) throw new StorageContention(`a PostgreSQL transaction conflicted ${attempts} times in a row`);
        await backoff(attempts);
      }
    }
  }

  /**
   * Runs `body` over fetched data until a run misses nothing, inside one
   * transaction that `begin` opens with the first fetch. Returns the last
   * run's outcome and its client (undefined when nothing had to be fetched);
   * the caller ends the transaction.
   */
  async function converge<T>(
    snapshot: FetchingSnapshot,
    body: () => T,
    begin: string,
  ): Promise<{ outcome: Outcome<T>; client: pg.PoolClient | undefined }> {
    let client: pg.PoolClient | undefined;
    try {
      for (;;) {
        const outcome = attempt(body);
        const missing = snapshot.takeMissing();
        if (missing === undefined) return { outcome, client };
        const first = client === undefined;
        client ??= await connect();
        const results = await run(client, `${first ? `${begin}; ` : ''}${fetchStatement(missing)}`);
        absorb(snapshot, missing, results.at(-1)!.rows as Row[]);
      }
    } catch (error) {
      await release(client, error, true);
      throw error;
    }
  }

  /** Ends the client's transaction (if `rollback`) and gives it back; a broken connection is discarded. */
  async function release(client: pg.PoolClient | undefined, error: unknown, rollback: boolean): Promise<void> {
    if (client === undefined) return;
    if (error !== undefined && unreachable(error)) {
      client.release(error as Error);
      return;
    }
    try {
      if (rollback) await client.query('ROLLBACK');
      client.release();
    } catch (failure) {
      client.release(failure as Error);
    }
  }

  async function writeOnce<T>(fn: (tx: WriteTransaction) => T): Promise<T> {
    const snapshot = new FetchingSnapshot();
    let puts: [Bytes, Bytes][] = [];
    let deletes: Bytes[] = [];
    const body = () => {
      puts = [];
      deletes = [];
      return writeThroughOverlay(
        (scope) => snapshot.view(scope),
        (key, change) => (change === null ? deletes.push(key) : puts.push([key, change])),
        fn,
      );
    };
    let { outcome, client } = await converge(snapshot, body, 'BEGIN ISOLATION LEVEL SERIALIZABLE');
    const began = client !== undefined;
    if ('error' in outcome) {
      await release(client, undefined, true);
      throw outcome.error;
    }
    const statements = applyStatements(puts, deletes);
    if (client === undefined && statements.length === 0) return outcome.value;
    let failure: unknown;
    try {
      client ??= await connect();
      // Without a transaction open (nothing was read), the statements of one query still apply all or nothing.
      await run(client, (began ? [...statements, 'COMMIT'] : statements).join('; '));
      return outcome.value;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      await release(client, failure, failure !== undefined);
    }
  }

  async function readOnce<T>(fn: (tx: ReadTransaction) => T): Promise<T> {
    // One statement is one snapshot: while a single fetch answers the callback, no transaction is needed.
    const optimistic = new FetchingSnapshot();
    const body = (snapshot: FetchingSnapshot) => () => runScoped((scope) => fn(snapshot.view(scope, true)));
    const first = attempt(body(optimistic));
    const missing = optimistic.takeMissing();
    if (missing === undefined) return settle(first);
    absorb(optimistic, missing, (await pool.query<Row>(fetchStatement(missing))).rows);
    const second = attempt(body(optimistic));
    if (optimistic.takeMissing() === undefined) return settle(second);
    const snapshot = new FetchingSnapshot();
    const { outcome, client } = await converge(snapshot, body(snapshot), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await release(client, undefined, client !== undefined);
    return settle(outcome);
  }

  const storage: Storage = {
    concurrent: true,

    async get(key) {
      ensureOpen();
      checkKey(key);
      return tracked(retried(async () => {
        const { rows } = await pool.query<{ v: Buffer }>({ name: 'dynalith_get', text: `SELECT v FROM ${KV_TABLE} WHERE k = $1`, values: [Buffer.from(key)] });
        const value = rows[0]?.v;
        return value === undefined ? undefined : plain(value);
      }));
    },

    async read(fn) {
      ensureOpen();
      return tracked(retried(() => readOnce(fn)));
    },

    async write(fn) {
      ensureOpen();
      return tracked(retried(() => writeOnce(fn)));
    },

    async close() {
      if (closed) return;
      closed = true;
      while (inFlight.size > 0) await Promise.all(inFlight);
      await pool.end();
    },
  };

  try {
    await migrate(pool, options);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return storage;
}

/**
 * Creates or migrates the schema. Several nodes may start at once: each
 * migration runs in a SERIALIZABLE transaction that reads the version row
 * first, so one node applies it and the others retry and find it applied.
 * An unreachable database is waited for until `startupTimeoutMs`.
 */
async function migrate(pool: pg.Pool, options: PostgresOptions): Promise<void> {
  const deadline = Date.now() + (options.startupTimeoutMs ?? 30_000);
  for (let attempts = 1; ; attempts++) {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (id integer PRIMARY KEY, version integer NOT NULL)`);
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${SCHEMA_TABLE} WHERE id = 1`);
      const version = rows[0]?.version ?? 0;
      if (version > MIGRATIONS.length) {
        throw new Error(`the PostgreSQL schema is at version ${version}; this build knows versions up to ${MIGRATIONS.length}`);
      }
      for (const statement of MIGRATIONS.slice(version)) await client.query(statement);
      if (version < MIGRATIONS.length) {
        await client.query(
          `INSERT INTO ${SCHEMA_TABLE} (id, version) VALUES (1, ${MIGRATIONS.length}) ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
        );
      }
      await client.query('COMMIT');
      client.release();
      return;
    } catch (error) {
      if (client !== undefined) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(unreachable(error) ? (error as Error) : undefined);
      }
      // A concurrent creator: serialisation failure, or the catalog's unique index on the new table's name.
      const code = (error as { code?: unknown }).code;
      const racing = retryable(error) || code === '23505' || code === '42P07';
      if (!racing && !unreachable(error)) throw new Error(`Cannot prepare the PostgreSQL schema: ${(error as Error).message}`);
      if (Date.now() > deadline) throw new Error(`Cannot reach PostgreSQL: ${(error as Error).message}`);
      if (unreachable(error)) {
        options.onWarning?.('waiting for PostgreSQL', error);
        await pause(500);
      } else {
        await backoff(attempts);
      }
    }
  }
}
