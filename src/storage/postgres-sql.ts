/**
 * The SQL the PostgreSQL backend sends, kept to what PostgreSQL,
 * CockroachDB and YugabyteDB all accept: one table of `bytea` keys and
 * values (bytea compares as unsigned bytes, shorter first on a common prefix:
 * the Storage contract's order), `ON CONFLICT ... DO UPDATE`, parenthesised
 * `ORDER BY ... LIMIT` under `UNION ALL`.
 *
 * Bytes travel as hex literals inside the statement text, which lets one
 * round trip carry several statements (`BEGIN`, the reads, the writes and
 * `COMMIT`) over the simple query protocol. The text holds only hex digits
 * the backend made itself, so nothing a client sends is ever spliced in.
 */
import type { Bytes } from './storage.js';
import type { Missing } from './fetching-snapshot.js';
import { FetchingSnapshot } from './fetching-snapshot.js';

export const KV_TABLE = 'dynalith_kv';
export const SCHEMA_TABLE = 'dynalith_schema';

export const literal = (bytes: Bytes): string => `'\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}'::bytea`;

/**
 * One SELECT answering everything a run missed: column `q` is 0 for the
 * point reads and 1 + i for the page of `missing.ranges[i]`.
 */
export function fetchStatement(missing: Missing): string {
  const parts: string[] = [];
  if (missing.keys.length > 0) {
    parts.push(`SELECT 0 AS q, k, v FROM ${KV_TABLE} WHERE k IN (${missing.keys.map(literal).join(', ')})`);
  }
  missing.ranges.forEach((range, i) => {
    const after = FetchingSnapshot.after(range);
    const conditions: string[] = [];
    if (range.reverse) {
      if (range.start !== undefined) conditions.push(`k >= ${literal(range.start)}`);
      if (after !== undefined) conditions.push(`k < ${literal(after)}`);
      else if (range.end !== undefined) conditions.push(`k < ${literal(range.end)}`);
    } else {
      if (after !== undefined) conditions.push(`k > ${literal(after)}`);
      else if (range.start !== undefined) conditions.push(`k >= ${literal(range.start)}`);
      if (range.end !== undefined) conditions.push(`k < ${literal(range.end)}`);
    }
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    parts.push(`(SELECT ${i + 1} AS q, k, v FROM ${KV_TABLE}${where} ORDER BY k${range.reverse ? ' DESC' : ''} LIMIT ${range.page})`);
  });
  return parts.join(' UNION ALL ');
}

/** The statements that apply a transaction's writes: one upsert of every put, one delete of every deleted key. */
export function applyStatements(puts: readonly (readonly [Bytes, Bytes])[], deletes: readonly Bytes[]): string[] {
  const statements: string[] = [];
  if (puts.length > 0) {
    const rows = puts.map(([key, value]) => `(${literal(key)}, ${literal(value)})`).join(', ');
    statements.push(`INSERT INTO ${KV_TABLE} (k, v) VALUES ${rows} ON CONFLICT (k) DO UPDATE SET v = excluded.v`);
  }
  if (deletes.length > 0) statements.push(`DELETE FROM ${KV_TABLE} WHERE k IN (${deletes.map(literal).join(', ')})`);
  return statements;
}

/**
 * The schema, by version: each entry migrates from the version before it.
 * Nodes of several builds may share a database, so a build refuses one whose
 * version is newer than it knows.
 */
export const MIGRATIONS: readonly string[] = [`CREATE TABLE IF NOT EXISTS ${KV_TABLE} (k bytea PRIMARY KEY, v bytea NOT NULL)`];
