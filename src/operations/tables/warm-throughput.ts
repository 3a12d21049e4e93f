/**
 * Warm throughput: the read and write units a second a table or global
 * index can take at once. DescribeTable shows, per resource, the larger of
 * what was asked for (CreateTable, UpdateTable) and what it starts with: an
 * on-demand table's 12,000 reads and 4,000 writes a second, a provisioned
 * one's capacity (AWS's documentation: a new on-demand table's warm
 * throughput, and a provisioned index described with its 50 RCU / 25 WCU as
 * warm throughput). A request for less keeps what there is: warm throughput
 * only grows.
 */
import type { IndexRecord, TableRecord, WarmThroughput } from '../../engine/table.js';

const ON_DEMAND_WARM = { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 };

export function raisedWarmThroughput(current: WarmThroughput | undefined, requested: WarmThroughput): WarmThroughput {
  const higher = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const read = higher(current?.ReadUnitsPerSecond, requested.ReadUnitsPerSecond);
  const write = higher(current?.WriteUnitsPerSecond, requested.WriteUnitsPerSecond);
  return { ...(read !== undefined ? { ReadUnitsPerSecond: read } : {}), ...(write !== undefined ? { WriteUnitsPerSecond: write } : {}) };
}

/** The WarmThroughput member of a table's or global index's description, with the resource's status. */
export function describeWarmThroughput(table: TableRecord, resource: TableRecord | IndexRecord, status: string): Required<WarmThroughput> & { Status: string } {
  const start =
    table.BillingMode === 'PAY_PER_REQUEST'
      ? ON_DEMAND_WARM
      : { ReadUnitsPerSecond: resource.ProvisionedThroughput?.ReadCapacityUnits ?? 0, WriteUnitsPerSecond: resource.ProvisionedThroughput?.WriteCapacityUnits ?? 0 };
  const warm = raisedWarmThroughput(start, resource.WarmThroughput ?? {});
  return { ReadUnitsPerSecond: warm.ReadUnitsPerSecond!, WriteUnitsPerSecond: warm.WriteUnitsPerSecond!, Status: status };
}
