/**
 * The lifetime of one transaction callback. Backends hand out transaction
 * objects and range iterables that are only valid while the callback runs;
 * the scope makes late use fail loudly instead of reading a released snapshot,
 * and closes iterators the callback abandoned so no cursor outlives its
 * transaction (an open LMDB cursor on a finished transaction can crash).
 */

export class TransactionScope {
  private readonly open = new Set<Iterator<unknown>>();
  private ended = false;

  check(): void {
    if (this.ended) throw new Error('The storage transaction has already finished');
  }

  /** An iterable whose iterators are opened lazily and closed at the latest by end(). */
  iterable<T>(openIterator: () => Iterator<T>): Iterable<T> {
    return { [Symbol.iterator]: () => this.track(openIterator) };
  }

  end(): void {
    this.ended = true;
    for (const iterator of this.open) iterator.return?.();
    this.open.clear();
  }

  private track<T>(openIterator: () => Iterator<T>): Iterator<T> {
    this.check();
    const inner = openIterator();
    this.open.add(inner);
    return {
      next: () => {
        this.check();
        const result = inner.next();
        if (result.done) this.open.delete(inner);
        return result;
      },
      return: (value?: unknown) => {
        if (this.open.delete(inner)) inner.return?.();
        return { done: true, value: value as T };
      },
    };
  }
}

/**
 * Runs a transaction callback inside a scope. Callbacks must be synchronous:
 * a returned promise would run its continuation after the transaction ended.
 */
export function runScoped<T>(body: (scope: TransactionScope) => T): T {
  const scope = new TransactionScope();
  try {
    return assertSynchronous(body(scope));
  } finally {
    scope.end();
  }
}

export function assertSynchronous<T>(result: T): T {
  const thenable =
    (typeof result === 'object' || typeof result === 'function') &&
    result !== null &&
    typeof (result as { then?: unknown }).then === 'function';
  if (thenable) throw new Error('Storage transaction callbacks must be synchronous');
  return result;
}
