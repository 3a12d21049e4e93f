/**
 * Capacity limits that also count: every consumption a request is charged
 * goes to ConsumedRead/WriteCapacityUnits, and every refusal to the throttle
 * events, whatever the limits underneath (enforced or, with --capacity
 * report, none). Charging is the one place every operation reports what it
 * consumed, so the metrics cannot miss one. Contributor Insights counts the
 * same charges and refusals, per key.
 */
import type { CapacityUsage } from '../../engine/capacity.js';
import type { TableRecord } from '../../engine/table.js';
import type { DynamoError } from '../../protocol/errors.js';
import type { Access, Target, ThroughputLimits } from '../capacity/throughput-limits.js';
import type { Metrics } from './dynamodb-metrics.js';
import type { InsightCounter } from '../insights/insight-counter.js';

export class MeteredLimits implements ThroughputLimits {
  readonly enforcing: boolean;

  constructor(
    private readonly limits: ThroughputLimits,
    private readonly metrics: Metrics,
    private readonly insights: InsightCounter,
  ) {
    this.enforcing = limits.enforcing;
  }

  private counted(table: TableRecord, access: Access, refusal: DynamoError | undefined, target: Target | undefined): DynamoError | undefined {
    if (refusal !== undefined) {
      this.metrics.throttled(table, access, refusal);
      this.insights.throttled(table, access, refusal, target);
    }
    return refusal;
  }

  refusal(table: TableRecord, access: Access, target?: Target): DynamoError | undefined {
    return this.counted(table, access, this.limits.refusal(table, access, target), target);
  }

  admit(table: TableRecord, access: Access, target?: Target): void {
    const refusal = this.refusal(table, access, target);
    if (refusal !== undefined) throw refusal;
  }

  charge(table: TableRecord, access: Access, usage: CapacityUsage, target?: Target): void {
    this.metrics.consumed(table, access, usage);
    this.limits.charge(table, access, usage, target);
    this.insights.charged(table, access, usage, target);
  }

  reserve(table: TableRecord, access: Access, partition: unknown, units: number, sort?: unknown): DynamoError | undefined {
    const refusal = this.limits.reserve(table, access, partition, units);
    return refusal === undefined ? undefined : this.counted(table, access, refusal, { partition, sort });
  }

  release(table: TableRecord, access: Access, partition: unknown, units: number): void {
    this.limits.release(table, access, partition, units);
  }

  chargePartition(table: TableRecord, access: Access, partition: unknown, units: number, sort?: unknown): void {
    this.limits.chargePartition(table, access, partition, units);
    this.insights.accessed(table, undefined, access, units, { partition, sort });
  }
}
