/**
 * A write transaction buffered over a read-only base: reads see the
 * transaction's own writes, range walks merge the buffered writes into the
 * base's entries, and nothing reaches the base until the owner applies
 * `changes()`. Dropping the overlay discards the transaction.
 */

import type { Bytes, Entry, RangeOptions, ReadTransaction, WriteTransaction } from './storage.js';
import { checkKey, compareBytes, copyBytes } from './bytes.js';
import { OrderedMap } from './ordered-map.js';
import { assertSynchronous, runScoped, type TransactionScope } from './scope.js';
import { limited } from './limit.js';

/** A buffered write: the new value, or null for a delete. */
export type Change = Bytes | null;

export class Overlay implements WriteTransaction {
  private readonly pending = new OrderedMap<Change>();

  /** `base.range` is called without a limit: the limit applies after merging. */
  constructor(
    private readonly base: ReadTransaction,
    private readonly scope: TransactionScope,
  ) {}

  get(key: Bytes): Bytes | undefined {
    this.scope.check();
    checkKey(key);
    const change = this.pending.get(key);
    if (change === undefined) return this.base.get(key);
    return change === null ? undefined : change;
  }

  put(key: Bytes, value: Bytes): void {
    this.scope.check();
    checkKey(key);
    this.pending.set(copyBytes(key), copyBytes(value));
  }

  delete(key: Bytes): void {
    this.scope.check();
    checkKey(key);
    this.pending.set(copyBytes(key), null);
  }

  range(options: RangeOptions): Iterable<Entry> {
    return this.scope.iterable(() => limited(this.merged(options), options.limit));
  }

  changes(): Iterable<[Bytes, Change]> {
    return this.pending.entries();
  }

  /**
   * Values are looked up when an entry is emitted rather than when its key was
   * read ahead, so a callback that deletes or overwrites keys while walking a
   * range sees its own changes.
   */
  private *merged(options: RangeOptions): Generator<Entry> {
    const bounds = { start: options.start, end: options.end, reverse: options.reverse };
    const direction = options.reverse ? -1 : 1;
    const baseIt = this.base.range(bounds)[Symbol.iterator]();
    const ownIt = this.pending.entries(bounds);
    try {
      let base = baseIt.next();
      let own = ownIt.next();
      while (!base.done || !own.done) {
        const order = base.done ? 1 : own.done ? -1 : direction * compareBytes(base.value.key, own.value[0]);
        if (order < 0) {
          const entry = base.value;
          base = baseIt.next();
          const change = this.pending.get(entry.key);
          if (change === undefined) yield entry;
          else if (change !== null) yield { key: entry.key, value: change };
          continue;
        }
        const key = own.value[0];
        own = ownIt.next();
        if (order === 0) base = baseIt.next();
        const change = this.pending.get(key);
        if (change != null) yield { key, value: change };
      }
    } finally {
      baseIt.return?.();
    }
  }
}

/**
 * Runs a write callback over an overlay of `base` and hands its changes to
 * `apply` only once it has returned synchronously: a callback that throws, or
 * returns a promise, changes nothing. Both backends commit this way.
 */
export function writeThroughOverlay<T>(
  base: (scope: TransactionScope) => ReadTransaction,
  apply: (key: Bytes, change: Change) => void,
  fn: (tx: WriteTransaction) => T,
): T {
  return runScoped((scope) => {
    const overlay = new Overlay(base(scope), scope);
    const result = assertSynchronous(fn(overlay));
    for (const [key, change] of overlay.changes()) apply(key, change);
    return result;
  });
}
