/**
 * The client-side model: every key the test may write, the state of each item
 * as the acknowledged writes left it, and a lock per key. An operation locks
 * all its keys until its outcome is known (acknowledged, refused, or, for a
 * write in flight at the kill, found out after the restart), so the writes to
 * one item are strictly ordered and each one's effect follows from the state
 * before it.
 */
import { MAIN, SIDE } from './schema.js';
import { N, S, type Item } from './values.js';

export type TableRole = 'main' | 'side';

export interface KeyRef {
  readonly table: TableRole;
  readonly id: string;
  readonly key: Item;
  /**
   * Keys whose items may carry an expiry in the past: TTL deletes them at a
   * moment the test does not know, so they only get unconditional puts.
   */
  readonly expiring: boolean;
}

export interface Sizes {
  /** Items of `main` loaded before the first round (and the keys the load writes). */
  readonly mainKeys: number;
  readonly expiringKeys: number;
  readonly sideKeys: number;
}

export const PARTITIONS = 40;

export function tableName(role: TableRole): string {
  return role === 'main' ? MAIN : SIDE;
}

/** A key's id from its attributes, the way records and scans name it. */
export function keyId(role: TableRole, key: Item): string {
  return role === 'main' ? `main|${key.pk?.S}|${key.sk?.N}` : `side|${key.pk?.S}`;
}

function mainRef(pk: string, sk: number, expiring: boolean): KeyRef {
  const key = { pk: S(pk), sk: N(sk) };
  return { table: 'main', id: keyId('main', key), key, expiring };
}

export class Model {
  readonly main: readonly KeyRef[];
  readonly expiring: readonly KeyRef[];
  readonly side: readonly KeyRef[];
  private readonly states = new Map<string, Item>();
  private readonly locks = new Set<string>();

  constructor(sizes: Sizes) {
    this.main = Array.from({ length: sizes.mainKeys }, (_, i) => mainRef(`p${String(i % PARTITIONS).padStart(2, '0')}`, Math.floor(i / PARTITIONS), false));
    this.expiring = Array.from({ length: sizes.expiringKeys }, (_, i) => mainRef('ttl', i, true));
    this.side = Array.from({ length: sizes.sideKeys }, (_, i) => {
      const key = { pk: S(`s${i}`) };
      return { table: 'side' as const, id: keyId('side', key), key, expiring: false };
    });
  }

  refs(): KeyRef[] {
    return [...this.main, ...this.expiring, ...this.side];
  }

  /** The item as the writes known to have happened left it. */
  state(ref: KeyRef): Item | undefined {
    return this.states.get(ref.id);
  }

  set(ref: KeyRef, item: Item | undefined): void {
    if (item === undefined) this.states.delete(ref.id);
    else this.states.set(ref.id, item);
  }

  /** Locks all of `refs` (distinct keys), or none when one is taken. */
  tryLock(refs: readonly KeyRef[]): boolean {
    if (refs.some((ref) => this.locks.has(ref.id))) return false;
    for (const ref of refs) this.locks.add(ref.id);
    return true;
  }

  unlock(refs: readonly KeyRef[]): void {
    for (const ref of refs) this.locks.delete(ref.id);
  }
}
