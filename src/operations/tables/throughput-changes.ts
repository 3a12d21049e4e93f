/**
 * Provisioned throughput changes with DynamoDB's bookkeeping: the times of
 * the last increase and decrease, the decreases made this UTC day, and the
 * limit on them: any 4 a day, then at most one an hour (the
 * LimitExceededException below is the text live DynamoDB answered, quoted in
 * Apache Hadoop's S3Guard documentation and in users' scripts).
 */
import { DynamoError } from '../../protocol/errors.js';
import type { TableRecord, Throughput } from '../../engine/table.js';
import type { OnDemandThroughputInput, ThroughputInput } from './table-shapes.js';
import { ACCOUNT_MAX_CAPACITY_UNITS, TABLE_MAX_CAPACITY_UNITS } from '../../features/capacity/account-limits.js';
import type { Catalog } from '../../engine/catalog.js';
import type { Namespace } from '../operation.js';

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

const SWITCHES_PER_DAY = 4;

// "Sat Feb 23 03:07:45 UTC 2019": Java's Date.toString in UTC, as DynamoDB writes times in the switch limit's message.
function javaDate(seconds: number): string {
  const [weekday, day, month, year, time] = new Date(seconds * 1000).toUTCString().replace(',', '').split(' ') as [string, string, string, string, string];
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}

/**
 * The switches to on-demand within the last 24 hours once this one is made,
 * refused past DynamoDB's four in a rolling day ("Considerations when
 * switching capacity modes"). The message follows the one live DynamoDB gave
 * when the limit was one a day (serverless/serverless users' report, 2019),
 * with the count DynamoDB's other "limited to N times in D day(s)" messages use.
 */
export function switchToPayPerRequest(switches: readonly number[] | undefined, now: number): number[] {
  const recent = (switches ?? []).filter((time) => time > now - 86_400);
  if (recent.length >= SWITCHES_PER_DAY) {
    throw new DynamoError(
      'LimitExceededException',
      `Subscriber limit exceeded: Update to PayPerRequest mode are limited to ${SWITCHES_PER_DAY} times in 1 day(s). ` +
        `Last update at ${javaDate(Math.max(...recent))}. Next update can be made at ${javaDate(Math.min(...recent) + 86_400)}`,
    );
  }
  return [...recent, now];
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

/**
 * DynamoDB's per-table maximum (what DescribeLimits reports), for a table's
 * provisioned capacity and its on-demand maximum. The messages are live
 * DynamoDB's, as the ack-api-quirks lab and AWS Health notices recorded them.
 */
export function checkTableMaximum(region: string, throughput: ThroughputInput | undefined, onDemand: OnDemandThroughputInput | undefined): void {
  for (const [name, value] of [
    ['ReadCapacityUnits', throughput?.ReadCapacityUnits],
    ['WriteCapacityUnits', throughput?.WriteCapacityUnits],
  ] as const) {
    if (value !== undefined && value > TABLE_MAX_CAPACITY_UNITS) {
      throw new DynamoError(
        'LimitExceededException',
        `The requested ${name}, ${value}, is above the per table maximum for the account in ${region}. Per table maximum: ${TABLE_MAX_CAPACITY_UNITS}. ` +
          'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
      );
    }
  }
  for (const [name, value, quota] of [
    ['MaxReadRequestUnits', onDemand?.MaxReadRequestUnits, 'TableMaxReadCapacityUnits'],
    ['MaxWriteRequestUnits', onDemand?.MaxWriteRequestUnits, 'TableMaxWriteCapacityUnits'],
  ] as const) {
    if (value !== undefined && value > TABLE_MAX_CAPACITY_UNITS) {
      throw new DynamoError('LimitExceededException', `Subscriber limit exceeded: Requested ${name} for OnDemandThroughput for table exceeds ${quota} of the account in region ${region}`);
    }
  }
}

/** The provisioned units a table holds: its own and its global indexes', nothing when on-demand. */
interface Provisioned extends Pick<TableRecord, 'TableName' | 'BillingMode' | 'ProvisionedThroughput'> {
  readonly GlobalSecondaryIndexes: readonly { readonly ProvisionedThroughput?: Pick<Throughput, 'ReadCapacityUnits' | 'WriteCapacityUnits'> }[];
}

function provisionedUnits(table: Provisioned, units: 'ReadCapacityUnits' | 'WriteCapacityUnits'): number {
  if (table.BillingMode !== 'PROVISIONED') return 0;
  let total = table.ProvisionedThroughput[units];
  for (const index of table.GlobalSecondaryIndexes) total += index.ProvisionedThroughput?.[units] ?? 0;
  return total;
}

/**
 * The account's total of provisioned units in the region (DescribeLimits'
 * AccountMax, 80,000 each) with `table` as it would be. No answer of live
 * DynamoDB past this quota was found recorded; the message follows its
 * "Subscriber limit exceeded" texts and says what was asked and what is allowed.
 */
export function checkAccountMaximum(catalog: Catalog, namespace: Namespace, table: Provisioned): void {
  for (const units of ['ReadCapacityUnits', 'WriteCapacityUnits'] as const) {
    let total = provisionedUnits(table, units);
    if (total === 0) continue;
    for (const name of catalog.list(namespace)) {
      const other = catalog.get(namespace, name);
      if (other !== undefined && other.TableName !== table.TableName) total += provisionedUnits(other, units);
    }
    if (total > ACCOUNT_MAX_CAPACITY_UNITS) {
      throw new DynamoError(
        'LimitExceededException',
        `Subscriber limit exceeded: the account's provisioned ${units} in ${namespace.region} would total ${total}, above its maximum of ${ACCOUNT_MAX_CAPACITY_UNITS}. ` +
          'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
      );
    }
  }
}
