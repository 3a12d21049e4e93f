/**
 * A global index created on a provisioned global table gets its writes auto
 * scaled in every replica's region, as DynamoDB registers them itself (the
 * ack-api-quirks DynamoDB lab, DDB-TABLE-322: from 1 to 10 units, tracking
 * 70% utilization, under the policy name its console gives), so that the
 * global table's writes stay scaled (replica-settings-rules.ts).
 */
import type { Services } from '../../engine/services.js';
import type { TableRecord } from '../../engine/table.js';
import type { SharedChange } from './shared-settings.js';
import { applyChange, targetIdOf } from '../global-tables/auto-scaling-settings.js';

const WRITE_METRIC = 'DynamoDBWriteCapacityUtilization';

/** Scales the writes of the indexes the change created, on each replica given that is provisioned. */
export async function scaleNewIndexWrites(services: Services, replicas: readonly TableRecord[], change: SharedChange): Promise<void> {
  for (const replica of replicas) {
    if (replica.BillingMode !== 'PROVISIONED') continue;
    for (const { IndexName: indexName } of change.createIndexes ?? []) {
      const capacity = { region: replica.region, indexName, access: 'write' as const };
      await applyChange(services, replica.account, replica.TableName, {
        ...capacity,
        disable: false,
        min: 1,
        max: 10,
        policyName: `${WRITE_METRIC}:${targetIdOf(replica.TableName, capacity).ResourceId}`,
        config: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: WRITE_METRIC } },
      });
    }
  }
}
