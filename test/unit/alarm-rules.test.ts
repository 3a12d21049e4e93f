/**
 * Alarm evaluation on hand-made datapoints: the comparisons, "M out of N",
 * each treatment of missing data (and DynamoDB's, which always ignores it),
 * and the StateReason texts CloudWatch writes for each outcome.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breaches, effectiveTreatment, judge, type AlarmDatapoint, type AlarmRule } from '../../src/features/alarms/alarm-rules.js';
import { javaDouble, reasonDate, stateReason, stateReasonData, type ReasonContext } from '../../src/features/alarms/state-reason.js';

const MINUTE = 60_000;
/** 2026-07-12 20:01:00 UTC. */
const T0 = Date.UTC(2026, 6, 12, 20, 1);

/** Datapoints of consecutive minutes, the last one newest; null leaves a minute without data. */
function minutes(...values: (number | null)[]): AlarmDatapoint[] {
  return values.flatMap((value, i) => (value === null ? [] : [{ timestamp: T0 + i * MINUTE, value, sampleCount: 1 }]));
}

function rule(overrides: Partial<AlarmRule> = {}): AlarmRule {
  return { comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: 'missing', ...overrides };
}

test('each comparison holds on its side of the threshold only', () => {
  assert.deepEqual([0, 1, 2].map((v) => breaches('GreaterThanOrEqualToThreshold', v, 1)), [false, true, true]);
  assert.deepEqual([0, 1, 2].map((v) => breaches('GreaterThanThreshold', v, 1)), [false, false, true]);
  assert.deepEqual([0, 1, 2].map((v) => breaches('LessThanThreshold', v, 1)), [true, false, false]);
  assert.deepEqual([0, 1, 2].map((v) => breaches('LessThanOrEqualToThreshold', v, 1)), [true, true, false]);
});

test('one datapoint decides a one-period alarm', () => {
  assert.equal(judge(rule(), minutes(5))?.state, 'ALARM');
  assert.equal(judge(rule(), minutes(0))?.state, 'OK');
  assert.equal(judge(rule({ comparison: 'LessThanThreshold' }), minutes(0))?.state, 'ALARM');
});

test('M out of N: ALARM needs M breaching datapoints among the last N', () => {
  const twoOfThree = rule({ evaluationPeriods: 3, datapointsToAlarm: 2 });
  assert.equal(judge(twoOfThree, minutes(5, 0, 5))?.state, 'ALARM');
  assert.equal(judge(twoOfThree, minutes(0, 0, 5))?.state, 'OK');
  const verdict = judge(twoOfThree, minutes(5, 0, 7))!;
  assert.deepEqual(verdict.deciding.map((p) => p.value), [7, 5], 'breaching datapoints, newest first');
  assert.equal(verdict.count, 2);
  const ok = judge(twoOfThree, minutes(0, 0, 5))!;
  assert.deepEqual(ok.deciding.map((p) => p.value), [0, 0]);
  assert.equal(ok.count, 2);
});

test('missing: no data at all is INSUFFICIENT_DATA; with fewer datapoints than M, all present must breach', () => {
  const threeOfThree = rule({ evaluationPeriods: 3, datapointsToAlarm: 3 });
  const none = judge(threeOfThree, []);
  assert.equal(none?.state, 'INSUFFICIENT_DATA');
  assert.equal(none?.missing, 3);
  assert.equal(judge(threeOfThree, minutes(null, null, 5))?.state, 'ALARM');
  assert.equal(judge(threeOfThree, minutes(null, 5, 0))?.state, 'OK');
  assert.equal(judge(threeOfThree, minutes(5, 5, 0))?.state, 'OK');
});

test('ignore keeps the current state when no data came, and judges the data there is', () => {
  const ignoring = rule({ evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: 'ignore' });
  assert.equal(judge(ignoring, []), undefined);
  assert.equal(judge(ignoring, minutes(null, 5))?.state, 'ALARM');
  assert.equal(judge(ignoring, minutes(null, 0))?.state, 'OK');
});

test('breaching and notBreaching count the missing periods on their side', () => {
  const breaching = rule({ evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'breaching' });
  const all = judge(breaching, [])!;
  assert.equal(all.state, 'ALARM');
  assert.equal(all.filledAs, 'Breaching');
  assert.equal(judge(breaching, minutes(null, 0, 5))?.state, 'ALARM', 'one breaching and one missing make two');
  assert.equal(judge(breaching, minutes(0, 0, 5))?.state, 'OK');
  const notBreaching = rule({ evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'notBreaching' });
  assert.equal(judge(notBreaching, [])?.state, 'OK');
  assert.equal(judge(notBreaching, minutes(null, null, 5))?.state, 'OK', 'one breaching of three is not two');
  assert.equal(judge(notBreaching, minutes(5, null, 5))?.state, 'ALARM');
});

test('alarms on AWS/DynamoDB always ignore missing data; others default to missing', () => {
  assert.equal(effectiveTreatment('AWS/DynamoDB', 'breaching'), 'ignore');
  assert.equal(effectiveTreatment('AWS/DynamoDB', undefined), 'ignore');
  assert.equal(effectiveTreatment('MyApp', undefined), 'missing');
  assert.equal(effectiveTreatment('MyApp', 'notBreaching'), 'notBreaching');
});

test('numbers are written as Java writes doubles, dates as dd/MM/yy HH:mm:ss in UTC', () => {
  assert.deepEqual([1, 21.5, 0, 0.059, 1e7, 12345678.9, 0.0001, -3].map(javaDouble), ['1.0', '21.5', '0.0', '0.059', '1.0E7', '1.23456789E7', '1.0E-4', '-3.0']);
  assert.equal(reasonDate(T0), '12/07/26 20:01:00');
});

const context = (overrides: Partial<ReasonContext> = {}): ReasonContext => ({
  comparison: 'GreaterThanOrEqualToThreshold',
  threshold: 1,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  outOf: false,
  from: 'INSUFFICIENT_DATA',
  ...overrides,
});

test('state reasons read as CloudWatch writes them', () => {
  assert.equal(stateReason(judge(rule(), minutes(5))!, context()), 'Threshold Crossed: 1 datapoint [5.0 (12/07/26 20:01:00)] was greater than or equal to the threshold (1.0).');
  assert.equal(stateReason(judge(rule(), minutes(0))!, context({ from: 'ALARM' })), 'Threshold Crossed: 1 datapoint [0.0 (12/07/26 20:01:00)] was not greater than or equal to the threshold (1.0).');
  const mOfN = rule({ comparison: 'GreaterThanThreshold', threshold: 10.7, evaluationPeriods: 4, datapointsToAlarm: 2 });
  const mOfNContext = context({ comparison: 'GreaterThanThreshold', threshold: 10.7, evaluationPeriods: 4, datapointsToAlarm: 2, outOf: true, from: 'OK' });
  assert.equal(
    stateReason(judge(mOfN, minutes(10.75, 3, 10.8, 2))!, mOfNContext),
    'Threshold Crossed: 2 out of the last 4 datapoints [10.8 (12/07/26 20:03:00), 10.75 (12/07/26 20:01:00)] were greater than the threshold (10.7) (minimum 2 datapoints for OK -> ALARM transition).',
  );
  assert.equal(
    stateReason(judge(mOfN, minutes(1, 2, 3, 11))!, { ...mOfNContext, from: 'ALARM' }),
    'Threshold Crossed: 3 out of the last 4 datapoints [3.0 (12/07/26 20:03:00), 2.0 (12/07/26 20:02:00), 1.0 (12/07/26 20:01:00)] were not greater than the threshold (10.7) (minimum 3 datapoints for ALARM -> OK transition).',
  );
  const twoPeriods = rule({ evaluationPeriods: 2, datapointsToAlarm: 2 });
  assert.equal(stateReason(judge(twoPeriods, [])!, context()), 'Insufficient Data: 2 datapoints were unknown.');
  assert.equal(
    stateReason(judge({ ...twoPeriods, treatMissingData: 'breaching' }, [])!, context()),
    'Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].',
  );
  assert.equal(
    stateReason(judge(rule({ treatMissingData: 'notBreaching' }), [])!, context()),
    'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
  );
});

test('state reason data lists the evaluated periods, newest first, and the recent values, oldest first', () => {
  const datapoints = minutes(4, null, 6);
  const starts = [T0 + 2 * MINUTE, T0 + MINUTE, T0];
  const data = JSON.parse(stateReasonData({ Statistic: 'Sum', Period: 60, Threshold: 1 }, datapoints, starts, T0 + 3 * MINUTE)) as Record<string, unknown>;
  assert.deepEqual(data, {
    version: '1.0',
    queryDate: '2026-07-12T20:04:00.000+0000',
    startDate: '2026-07-12T20:01:00.000+0000',
    statistic: 'Sum',
    period: 60,
    recentDatapoints: [4, 6],
    threshold: 1,
    evaluatedDatapoints: [
      { timestamp: '2026-07-12T20:03:00.000+0000', sampleCount: 1, value: 6 },
      { timestamp: '2026-07-12T20:02:00.000+0000' },
      { timestamp: '2026-07-12T20:01:00.000+0000', sampleCount: 1, value: 4 },
    ],
  });
});
