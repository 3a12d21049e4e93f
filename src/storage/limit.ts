/** Stops an iterator after `limit` items (no limit when undefined). */
export function* limited<T>(source: Iterator<T>, limit: number | undefined): Generator<T> {
  let left = limit ?? Infinity;
  if (left <= 0) {
    source.return?.();
    return;
  }
  try {
    for (let next = source.next(); !next.done; next = source.next()) {
      yield next.value;
      if (--left <= 0) return;
    }
  } finally {
    source.return?.();
  }
}
