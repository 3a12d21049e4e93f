/** DynamoDB's bookkeeping of provisioned throughput changes, on fixed times: the daily decrease count and its limit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedThroughput, decreasesToday, switchToPayPerRequest } from '../../src/features/capacity/throughput-changes.js';
import type { Throughput } from '../../src/engine/table.js';
import { DynamoError } from '../../src/protocol/errors.js';

const NOON = Date.UTC(2026, 11, 7, 12, 0, 0) / 1000;
const units = (n: number) => ({ ReadCapacityUnits: n, WriteCapacityUnits: n });

test('four decreases any time, then one an hour; the count starts again each UTC day', () => {
  let throughput: Throughput = { ...units(100), NumberOfDecreasesToday: 0 };
  for (let i = 1; i <= 4; i++) throughput = changedThroughput(throughput, units(100 - i), NOON + i);
  assert.equal(throughput.NumberOfDecreasesToday, 4);
  assert.throws(
    () => changedThroughput(throughput, units(50), NOON + 60),
    (error: DynamoError) =>
      error.type === 'LimitExceededException' &&
      error.message.endsWith(
        'Number of decreases today: 4. Last decrease at Monday, December 7, 2026 at 12:00:04 PM Coordinated Universal Time. Next decrease can be made at Monday, December 7, 2026 at 1:00:04 PM Coordinated Universal Time',
      ),
  );
  const increased = changedThroughput(throughput, units(500), NOON + 60);
  assert.equal(increased.LastIncreaseDateTime, NOON + 60);
  throughput = changedThroughput(throughput, units(50), NOON + 4 + 3600);
  assert.equal(throughput.NumberOfDecreasesToday, 5);
  assert.throws(() => changedThroughput(throughput, units(40), NOON + 4 + 3600 + 10), { type: 'LimitExceededException' });
  const tomorrow = NOON + 86_400;
  assert.equal(decreasesToday(throughput, tomorrow), 0);
  assert.equal(changedThroughput(throughput, units(40), tomorrow).NumberOfDecreasesToday, 1);
});

test('switches to on-demand: four in any 24 hours, the fifth refused until the oldest is a day old', () => {
  let switches = switchToPayPerRequest(undefined, NOON);
  for (const hours of [1, 2, 3]) switches = switchToPayPerRequest(switches, NOON + hours * 3600);
  assert.equal(switches.length, 4);
  assert.throws(
    () => switchToPayPerRequest(switches, NOON + 4 * 3600),
    (error: DynamoError) =>
      error.type === 'LimitExceededException' &&
      error.message ===
        'Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s). Last update at Mon Dec 07 15:00:00 UTC 2026. Next update can be made at Tue Dec 08 12:00:00 UTC 2026',
  );
  assert.equal(switchToPayPerRequest(switches, NOON + 86_400 + 1).length, 4, 'the first has left the window');
});
