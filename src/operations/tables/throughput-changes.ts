/**
 * Provisioned throughput changes with DynamoDB's bookkeeping: the times of
 * the last increase and decrease, the decreases made this UTC day, and the
 * limit on them: any 4 a day, then at most one an hour (the
 * LimitExceededException below is the text live DynamoDB answered, quoted in
 * Apache Hadoop's S3Guard documentation and in users' scripts).
 */
import { DynamoError } from '../../protocol/errors.js';
import type { Throughput } from '../../engine/table.js';
import type { ThroughputInput } from './table-shapes.js';

const FREE_DECREASES = 4;
const DECREASE_INTERVAL_SECONDS = 3600;

/** Epoch seconds at the start of the UTC day of `seconds`. */
function dayStart(seconds: number): number {
  return Math.floor(seconds / 86_400) * 86_400;
}

/** The decreases made so far in the UTC day of `now` (epoch seconds): yesterday's no longer count. */
export function decreasesToday(throughput: Throughput, now: number): number {
  const last = throughput.LastDecreaseDateTime;
  return last === undefined || last < dayStart(now) ? 0 : throughput.NumberOfDecreasesToday;
}

// "Monday, February 13, 2023 at 10:25:39 AM Coordinated Universal Time", as DynamoDB writes times in this message.
const MESSAGE_TIME = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'full', timeZone: 'UTC' });

/** The throughput after a change, refused when it is a decrease the day's limit does not allow. */
export function changedThroughput(current: Throughput, requested: ThroughputInput, now: number): Throughput {
  const increased = requested.ReadCapacityUnits > current.ReadCapacityUnits || requested.WriteCapacityUnits > current.WriteCapacityUnits;
  const decreased = requested.ReadCapacityUnits < current.ReadCapacityUnits || requested.WriteCapacityUnits < current.WriteCapacityUnits;
  const today = decreasesToday(current, now);
  const last = current.LastDecreaseDateTime;
  if (decreased && today >= FREE_DECREASES && last !== undefined && now - last < DECREASE_INTERVAL_SECONDS) {
    throw new DynamoError(
      'LimitExceededException',
      'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. ' +
        `After the first ${FREE_DECREASES} decreases, each subsequent decrease in the same UTC day can be performed at most once every ${DECREASE_INTERVAL_SECONDS} seconds. ` +
        `Number of decreases today: ${today}. Last decrease at ${MESSAGE_TIME.format(last * 1000)}. ` +
        `Next decrease can be made at ${MESSAGE_TIME.format((last + DECREASE_INTERVAL_SECONDS) * 1000)}`,
    );
  }
  return {
    ...current,
    ReadCapacityUnits: requested.ReadCapacityUnits,
    WriteCapacityUnits: requested.WriteCapacityUnits,
    NumberOfDecreasesToday: today + (decreased ? 1 : 0),
    ...(increased ? { LastIncreaseDateTime: now } : {}),
    ...(decreased ? { LastDecreaseDateTime: now } : {}),
  };
}
