/**
 * Capacity accounting as DynamoDB charges it: a write unit per started KB of
 * the larger of the old and new item, a read unit per started 4 KB, halved
 * for eventually consistent reads. A write also costs a write unit per
 * started KB of each secondary index entry it puts or deletes, charged to
 * that index; the total includes them.
 */
import type { IndexWrite } from './indexes.js';
import type { TableRecord } from './table.js';
import { setOwn } from '../model/own-property.js';

export type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE';

export function writeUnits(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024));
}

export function readUnits(sizeBytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(sizeBytes / 4096));
  return consistent ? units : units / 2;
}

interface Units {
  readonly CapacityUnits: number;
}

export interface ConsumedCapacity {
  readonly TableName: string;
  readonly CapacityUnits: number;
  readonly Table?: Units;
  readonly LocalSecondaryIndexes?: Readonly<Record<string, Units>>;
  readonly GlobalSecondaryIndexes?: Readonly<Record<string, Units>>;
}

/** What one item write did, as ItemStore.write reports it. */
export interface ItemWrite {
  readonly oldSize: number;
  readonly newSize: number;
  readonly indexWrites: readonly IndexWrite[];
}

/** Units consumed on one table and its indexes, summed over one or more reads or writes. */
export class CapacityUsage {
  private ownUnits = 0;
  private readonly local = new Map<string, number>();
  private readonly global = new Map<string, number>();

  addTable(units: number): this {
    this.ownUnits += units;
    return this;
  }

  addIndex(indexName: string, local: boolean, units: number): this {
    const byName = local ? this.local : this.global;
    byName.set(indexName, (byName.get(indexName) ?? 0) + units);
    return this;
  }

  addWrite(write: ItemWrite): this {
    this.addTable(writeUnits(Math.max(write.oldSize, write.newSize)));
    for (const { index, local, entrySizes } of write.indexWrites) {
      for (const size of entrySizes) this.addIndex(index.IndexName, local, writeUnits(size));
    }
    return this;
  }

  /** Units charged to the table itself, its local indexes' included (they share the table's capacity). */
  tableUnits(): number {
    let units = this.ownUnits;
    for (const local of this.local.values()) units += local;
    return units;
  }

  /** Units charged to each global index, by name. */
  globalIndexUnits(): ReadonlyMap<string, number> {
    return this.global;
  }

  /** The ConsumedCapacity member of a response, or undefined when not asked for. */
  report(mode: ReturnConsumedCapacity | undefined, table: TableRecord): ConsumedCapacity | undefined {
    if (mode === undefined || mode === 'NONE') return undefined;
    let total = this.ownUnits;
    for (const units of [...this.local.values(), ...this.global.values()]) total += units;
    const consumed = { TableName: table.TableName, CapacityUnits: total };
    if (mode === 'TOTAL') return consumed;
    return {
      ...consumed,
      Table: { CapacityUnits: this.ownUnits },
      LocalSecondaryIndexes: byIndexName(this.local),
      GlobalSecondaryIndexes: byIndexName(this.global),
    };
  }
}

/** An index-name map of units; absent when no index of the kind was charged, as DynamoDB omits it. */
function byIndexName(units: ReadonlyMap<string, number>): Record<string, Units> | undefined {
  if (units.size === 0) return undefined;
  const out: Record<string, Units> = {};
  for (const [name, capacityUnits] of units) setOwn(out, name, { CapacityUnits: capacityUnits });
  return out;
}
