/**
 * DynamoDB target tracking, one sample at a time. AWS builds it from two
 * CloudWatch alarms on the consumed capacity's one-minute sums: AlarmHigh
 * fires after 2 consecutive datapoints above the target utilisation, AlarmLow
 * after 15 consecutive datapoints more than 20 points below it (AWS
 * re:Post, "Why isn't DynamoDB auto scaling working?": target 70 % of 100
 * RCU scales out above 70 RCU for 2 minutes and in below 50 RCU for 15
 * minutes; the same evaluation periods and thresholds appear in moto's
 * copies of the alarms). Either alarm sets the capacity that would put the
 * last sample's consumption at the target, within the target's bounds.
 * Here one sample spans the configured scaling period instead of a minute.
 */

/** What the scaler keeps per target between samples (times in epoch milliseconds). */
export interface TrackingState {
  /** The consumed-capacity running total and when it was read. */
  readonly total: number;
  readonly at: number;
  /** Consecutive samples above the target, and below the low threshold. */
  readonly high: number;
  readonly low: number;
  readonly lastScaleOut?: number;
  readonly lastScaleIn?: number;
}

export interface TrackingPolicy {
  /** Target utilisation, in percent. */
  readonly targetValue: number;
  /** Cooldowns in seconds (DynamoDB's default is 0). */
  readonly scaleOutCooldown: number;
  readonly scaleInCooldown: number;
  readonly disableScaleIn: boolean;
}

export interface TrackingBounds {
  readonly min: number;
  readonly max: number;
  /** SuspendedState: dynamic scaling out or in suspended. */
  readonly outSuspended: boolean;
  readonly inSuspended: boolean;
}

export type Direction = 'out' | 'in';

export interface Decision {
  readonly state: TrackingState;
  readonly change?: { readonly capacity: number; readonly direction: Direction };
}

const HIGH_DATAPOINTS = 2;
const LOW_DATAPOINTS = 15;
const LOW_THRESHOLD_BELOW_TARGET = 20;

/** The capacity at which `rate` units a second is `targetValue` percent of it. */
function capacityFor(rate: number, targetValue: number, bounds: TrackingBounds): number {
  // Rounded first, so 4.000000001 units from a float sum does not ask for 5.
  const exact = Math.round((rate * 100) / targetValue * 1e6) / 1e6;
  return Math.min(bounds.max, Math.max(bounds.min, Math.ceil(exact)));
}

/** The running total read at `at`, against the target's `capacity` now: the new state, and the change to make if any. */
export function track(
  previous: TrackingState | undefined,
  sample: { readonly total: number; readonly at: number; readonly capacity: number },
  policy: TrackingPolicy,
  bounds: TrackingBounds,
): Decision {
  const kept = { lastScaleOut: previous?.lastScaleOut, lastScaleIn: previous?.lastScaleIn };
  // The first sample, or a total that went back (data trimmed away): only a starting point.
  if (previous === undefined || sample.total < previous.total || sample.at <= previous.at) {
    return { state: { total: sample.total, at: sample.at, high: 0, low: 0, ...kept } };
  }
  const rate = (sample.total - previous.total) / ((sample.at - previous.at) / 1000);
  const utilisation = sample.capacity > 0 ? (rate / sample.capacity) * 100 : Infinity;
  const high = utilisation > policy.targetValue ? previous.high + 1 : 0;
  const low = utilisation < policy.targetValue - LOW_THRESHOLD_BELOW_TARGET ? previous.low + 1 : 0;
  const state = { total: sample.total, at: sample.at, high, low, ...kept };
  const desired = capacityFor(rate, policy.targetValue, bounds);
  const cooled = (last: number | undefined, seconds: number) => last === undefined || sample.at - last >= seconds * 1000;
  if (high >= HIGH_DATAPOINTS && desired > sample.capacity && !bounds.outSuspended && cooled(previous.lastScaleOut, policy.scaleOutCooldown)) {
    return { state, change: { capacity: desired, direction: 'out' } };
  }
  if (
    low >= LOW_DATAPOINTS &&
    desired < sample.capacity &&
    !policy.disableScaleIn &&
    !bounds.inSuspended &&
    cooled(previous.lastScaleIn, policy.scaleInCooldown)
  ) {
    return { state, change: { capacity: desired, direction: 'in' } };
  }
  return { state };
}

/**
 * The state after a change was tried: the alarms start counting again (AWS
 * re-sets their thresholds for the new capacity), and a change that was made
 * starts its direction's cooldown.
 */
export function afterChange(state: TrackingState, direction: Direction, made: boolean): TrackingState {
  const restarted = { ...state, high: 0, low: 0 };
  if (!made) return restarted;
  return direction === 'out' ? { ...restarted, lastScaleOut: state.at } : { ...restarted, lastScaleIn: state.at };
}
