/**
 * A lookup of operations by API name. An entry is the operation itself or,
 * for operations few requests use, a loader: their modules are imported on
 * the first request instead of at start-up, where every module costs time.
 */
import type { Operation } from './operation.js';

type Loader = () => Promise<Operation<never>>;

export type OperationEntry = Operation<never> | Loader;

/** The operation, or (on the first request for a lazily loaded one) the promise of it. */
export type FoundOperation = Operation<unknown> | Promise<Operation<unknown>>;

export function operationTable(entries: Readonly<Record<string, OperationEntry>>): (name: string) => FoundOperation | undefined {
  const table = new Map<string, FoundOperation | Loader>();
  for (const [name, entry] of Object.entries(entries)) {
    if (typeof entry !== 'function') table.set(name, checkedName(name, entry));
    else table.set(name, entry);
  }
  return (name) => {
    const entry = table.get(name);
    if (typeof entry !== 'function') return entry;
    const loading = entry().then(
      (operation) => {
        const loaded = checkedName(name, operation);
        table.set(name, loaded);
        return loaded;
      },
      (error: unknown) => {
        table.set(name, entry);
        throw error;
      },
    );
    table.set(name, loading);
    return loading;
  };
}

function checkedName(name: string, operation: Operation<never>): Operation<unknown> {
  if (operation.name !== name) throw new Error(`operation ${operation.name} is registered as ${name}`);
  return operation as unknown as Operation<unknown>;
}
