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

/** Finds an operation by API name; `names` lists every name it knows. */
export interface OperationLookup {
  (name: string): FoundOperation | undefined;
  readonly names: readonly string[];
}

export function operationTable(entries: Readonly<Record<string, OperationEntry>>): OperationLookup {
  const table = new Map<string, FoundOperation | Loader>();
  for (const [name, entry] of Object.entries(entries)) {
    if (typeof entry !== 'function') table.set(name, checkedName(name, entry));
    else table.set(name, entry);
  }
  const find = (name: string): FoundOperation | undefined => {
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
  return Object.assign(find, { names: Object.keys(entries) });
}

function checkedName(name: string, operation: Operation<never>): Operation<unknown> {
  if (operation.name !== name) throw new Error(`operation ${operation.name} is registered as ${name}`);
  return operation as unknown as Operation<unknown>;
}
