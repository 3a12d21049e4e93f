/**
 * Filling a table that was created CREATING for a background writer (a
 * restore, an import from S3): its items go in through the item store's write
 * path, so indexes, counters, streams and the TTL index are kept as for any
 * write, a page at a time; then the table turns ACTIVE. The writer names its
 * table by namespace, name and internal id, so a table deleted and created
 * again under the name is never written to.
 */
import { StaleCatalog } from './catalog.js';
import { StepFailures } from './items.js';
import type { Services } from './services.js';
import { keySchemaOf, type TableRecord } from './table.js';
import { keyFromItem } from '../model/primary-key.js';
import type { Item } from '../model/attribute-value.js';

/** The table a writer fills. */
export interface CreatingTableRef {
  readonly account: string;
  readonly region: string;
  readonly TableName: string;
  /** The table's internal id. */
  readonly tableId: number;
}

/** The table as the catalog has it now (reloaded if another process changed it), if it is still the writer's. */
export async function currentTable(services: Services, ref: CreatingTableRef): Promise<TableRecord | undefined> {
  await services.catalog.refreshIfStale();
  const table = services.catalog.get(ref, ref.TableName);
  return table?.id === ref.tableId ? table : undefined;
}

/**
 * Writes one page of items, each replacing what is under its key (so writing
 * a page twice changes nothing); a table definition changed meanwhile by
 * another process is read again and the page retried. False when the table is
 * gone or no longer CREATING.
 */
export async function writePage(services: Services, ref: CreatingTableRef, items: readonly Item[]): Promise<boolean> {
  if (items.length === 0) return true;
  for (;;) {
    const table = await currentTable(services, ref);
    if (table === undefined || table.TableStatus !== 'CREATING') return false;
    const schema = keySchemaOf(table.KeySchema, table.AttributeDefinitions);
    const steps = items.map((item) => ({ table, key: keyFromItem(item, schema), apply: () => item, blind: true }));
    try {
      await services.items.writeMany(steps);
      return true;
    } catch (error) {
      if (error instanceof StaleCatalog) continue;
      if (error instanceof StepFailures) throw error.failures.find((failure) => failure !== undefined)!;
      throw error;
    }
  }
}

/** Turns the table ACTIVE if it is still the writer's and CREATING; `finish` may change the record further. */
export async function activate(services: Services, ref: CreatingTableRef, finish: (record: TableRecord) => TableRecord = (record) => record): Promise<void> {
  const table = await currentTable(services, ref);
  if (table === undefined || table.TableStatus !== 'CREATING') return;
  await services.catalog.update(table, (current) => finish({ ...current, TableStatus: 'ACTIVE' }), false);
}
