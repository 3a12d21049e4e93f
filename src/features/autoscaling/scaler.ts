/**
 * The auto scaler: once per scaling period, in the one process holding the
 * 'autoscaling' lease, every scalable target with a target-tracking policy
 * gets one utilisation sample: the growth of its table's or index's
 * ConsumedRead/WriteCapacityUnits running total since the last sample, per
 * second, against its provisioned capacity now. target-tracking.ts decides;
 * a change goes through the catalog like UpdateTable's and is recorded as a
 * scaling activity. The samples are kept in the target's record, so another
 * process that takes the lease over goes on from them.
 *
 * Targets of a deleted table stay (AWS deletes neither targets, policies nor
 * alarms with the table: Developer Guide, "Managing throughput capacity
 * automatically with DynamoDB auto scaling") and are skipped while no
 * provisioned table or index answers to them.
 */
import type { Services } from '../../engine/services.js';
import { Lease } from '../../engine/leases.js';
import { startPeriodicJob, type PeriodicJob } from '../../engine/periodic-job.js';
import { readTotals } from '../metrics/metric-store.js';
import { DYNAMODB_NAMESPACE, seriesText, type Dimension } from '../metrics/metric-series.js';
import { getTarget, listPolicies, listTargets, putTarget, trimActivities, type ScalableTargetRecord, type ScalingPolicyRecord } from './scaling-store.js';
import { scalableResource, type ScalableResource } from './scalable-resource.js';
import { currentCapacity, setCapacity } from './capacity-setting.js';
import { afterChange, track, type TrackingState } from './target-tracking.js';

const SIX_WEEKS_SECONDS = 42 * 86_400;

/** The metric series the target's utilisation is read from. */
function consumptionSeries(target: ScalableTargetRecord, resource: ScalableResource): string {
  const dimensions: Dimension[] = [{ Name: 'TableName', Value: resource.tableName }];
  if (resource.indexName !== undefined) dimensions.push({ Name: 'GlobalSecondaryIndexName', Value: resource.indexName });
  const metric = resource.access === 'read' ? 'ConsumedReadCapacityUnits' : 'ConsumedWriteCapacityUnits';
  return seriesText({ account: target.account, region: target.region, namespace: DYNAMODB_NAMESPACE, metric, dimensions });
}

/** The metric a policy tracks must be the target's own capacity (PutScalingPolicy allows no other). */
function trackingPolicy(target: ScalableTargetRecord, policies: readonly ScalingPolicyRecord[]): ScalingPolicyRecord | undefined {
  return policies.find((policy) => policy.ResourceId === target.ResourceId && policy.ScalableDimension === target.ScalableDimension);
}

/** Stores the target's new samples, unless it was deregistered or registered anew meanwhile. */
async function keepState(services: Services, target: ScalableTargetRecord, tracking: TrackingState): Promise<void> {
  await services.storage.write((tx) => {
    const stored = getTarget(tx, target, target);
    if (stored?.ScalableTargetARN === target.ScalableTargetARN) putTarget(tx, { ...stored, tracking });
  });
}

async function sampleTarget(services: Services, target: ScalableTargetRecord, policy: ScalingPolicyRecord, totals: ReadonlyMap<string, number>, at: number): Promise<void> {
  const resource = scalableResource(target.ResourceId, target.ScalableDimension);
  const capacity = currentCapacity(services, target);
  if (resource === undefined || capacity === undefined) return;
  const config = policy.TargetTrackingScalingPolicyConfiguration;
  const decision = track(
    target.tracking,
    { total: totals.get(consumptionSeries(target, resource)) ?? 0, at, capacity },
    { targetValue: config.TargetValue, scaleOutCooldown: config.ScaleOutCooldown ?? 0, scaleInCooldown: config.ScaleInCooldown ?? 0, disableScaleIn: config.DisableScaleIn === true },
    {
      min: target.MinCapacity,
      max: target.MaxCapacity,
      outSuspended: target.SuspendedState.DynamicScalingOutSuspended,
      inSuspended: target.SuspendedState.DynamicScalingInSuspended,
    },
  );
  let state = decision.state;
  if (decision.change !== undefined) {
    const { capacity: wanted, direction } = decision.change;
    const alarm = direction === 'out' ? `AlarmHigh-${policy.alarmIds.high}` : `AlarmLow-${policy.alarmIds.low}`;
    // The cause names the alarm as AWS's do ("monitor alarm TargetTracking-table/T-AlarmHigh-<id> in state ALARM triggered policy P").
    const cause = `monitor alarm TargetTracking-${target.ResourceId}-${alarm} in state ALARM triggered policy ${policy.PolicyName}`;
    state = afterChange(state, direction, await setCapacity(services, target, wanted, cause));
  }
  await keepState(services, target, state);
}

/** One round: every target with a policy gets its sample. */
async function scaleOnce(services: Services, stopped: () => boolean): Promise<void> {
  // Capacities as every process left them (another one's UpdateTable), and a catalog this one may change.
  await services.catalog.refreshIfStale();
  await services.metrics.flush();
  const at = Date.now();
  const { targets, policies, totals } = await services.storage.read((tx) => ({
    targets: listTargets(tx),
    policies: listPolicies(tx),
    totals: new Map(readTotals(tx).map(({ series, sum }) => [series, sum])),
  }));
  for (const target of targets) {
    if (stopped()) return;
    const policy = trackingPolicy(target, policies.filter((candidate) => candidate.account === target.account && candidate.region === target.region));
    if (policy !== undefined) await sampleTarget(services, target, policy, totals, at);
  }
  await services.storage.write((tx) => trimActivities(tx, at / 1000 - SIX_WEEKS_SECONDS));
}

/** Runs a round every scaling period; without metrics (--metrics off) there is nothing to sample, and it runs none. */
export function startAutoScaler(services: Services): PeriodicJob {
  if (!services.metrics.enabled) return { stop: () => Promise.resolve() };
  const period = Math.max(1, services.config.scalingPeriodMs);
  // A round still running when the next is due takes that one's place: samples measure the time they span.
  return startPeriodicJob({
    intervalMs: period,
    lease: new Lease(services.storage, 'autoscaling', Math.max(2000, 3 * period)),
    onError: (error) => services.logger.warn({ err: error }, 'auto scaling round failed'),
    round: (stopped) => scaleOnce(services, stopped),
  });
}
