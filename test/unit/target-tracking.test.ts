import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterChange, track, type Decision, type TrackingBounds, type TrackingPolicy, type TrackingState } from '../../src/features/autoscaling/target-tracking.js';

const POLICY: TrackingPolicy = { targetValue: 50, scaleOutCooldown: 0, scaleInCooldown: 0, disableScaleIn: false };
const BOUNDS: TrackingBounds = { min: 1, max: 100, outSuspended: false, inSuspended: false };

/** Feeds one sample a second at `rates` units a second against `capacity`, from a first sample at t=0; the decisions after each. */
function run(rates: readonly number[], capacity: number, policy = POLICY, bounds = BOUNDS, start?: TrackingState): Decision[] {
  let state = start ?? track(undefined, { total: 0, at: 0, capacity }, policy, bounds).state;
  const out: Decision[] = [];
  for (const rate of rates) {
    const decision = track(state, { total: state.total + rate, at: state.at + 1000, capacity }, policy, bounds);
    out.push(decision);
    state = decision.state;
  }
  return out;
}

test('the first sample only starts the count', () => {
  const first = track(undefined, { total: 500, at: 1000, capacity: 1 }, POLICY, BOUNDS);
  assert.equal(first.change, undefined);
  assert.deepEqual([first.state.total, first.state.high, first.state.low], [500, 0, 0]);
});

test('two samples above the target scale out to the capacity that puts the last one at the target', () => {
  const decisions = run([30, 30], 10);
  assert.equal(decisions[0]!.change, undefined);
  // 30 units a second at 50 %: 60.
  assert.deepEqual(decisions[1]!.change, { capacity: 60, direction: 'out' });
  assert.deepEqual(run([30, 400], 10)[1]!.change, { capacity: 100, direction: 'out' }, 'within the maximum');
  assert.equal(run([30, 5, 30], 10)[2]!.change, undefined, 'the datapoints must be consecutive');
  assert.equal(run([5, 5], 10)[1]!.change, undefined, 'at the target is not above it');
});

test('fifteen samples more than 20 points below the target scale in, never below the minimum', () => {
  const quiet = run(Array<number>(15).fill(0), 40);
  assert.ok(quiet.slice(0, 14).every((decision) => decision.change === undefined));
  assert.deepEqual(quiet[14]!.change, { capacity: 1, direction: 'in' });
  // 12 of 40 is 30 %: not below 50 - 20.
  assert.equal(run(Array<number>(15).fill(12), 40)[14]!.change, undefined);
  assert.deepEqual(run(Array<number>(15).fill(11), 40)[14]!.change, { capacity: 22, direction: 'in' });
  assert.equal(run(Array<number>(15).fill(0), 40, { ...POLICY, disableScaleIn: true })[14]!.change, undefined, 'DisableScaleIn');
  assert.equal(run(Array<number>(15).fill(0), 40, POLICY, { ...BOUNDS, inSuspended: true })[14]!.change, undefined, 'scale in suspended');
  assert.equal(run(Array<number>(15).fill(0), 1)[14]!.change, undefined, 'already at the minimum');
});

test('cooldowns hold back a change in the same direction only', () => {
  const [scaled] = run([30, 30], 10).slice(1);
  const after = afterChange(scaled!.state, 'out', true);
  assert.equal(after.high, 0);
  const policy = { ...POLICY, scaleOutCooldown: 5, scaleInCooldown: 5 };
  assert.equal(run([100, 100], 60, policy, BOUNDS, after)[1]!.change, undefined, 'within the scale-out cooldown');
  assert.deepEqual(run([100, 100, 100, 100, 100], 60, policy, BOUNDS, after)[4]!.change, { capacity: 100, direction: 'out' }, 'after it');
  assert.deepEqual(run(Array<number>(15).fill(0), 60, policy, BOUNDS, after)[14]!.change, { capacity: 1, direction: 'in' }, 'scale in is not held back');
  assert.equal(afterChange(scaled!.state, 'out', false).lastScaleOut, undefined, 'a refused change starts no cooldown');
});
