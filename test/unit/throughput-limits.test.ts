/**
 * Capacity enforcement's arithmetic on a fake clock: burst banked and spent,
 * refill at the table's rate, debt left by a large request, the partition
 * limit, shares of a rate when several processes serve the store, rates that
 * follow UpdateTable, and the processes counted from storage heartbeats.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EnforcedLimits, type Access } from '../../src/features/capacity/throughput-limits.js';
import { CapacityUsage } from '../../src/engine/capacity.js';
import type { TableRecord } from '../../src/engine/table.js';
import { Members } from '../../src/engine/members.js';
import { createMemoryStorage } from '../../src/storage/memory.js';

function table(read: number, write: number, extra: Partial<TableRecord> = {}): TableRecord {
  return {
    id: 7,
    account: '000000000000',
    region: 'us-east-1',
    TableName: 'limits',
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write, NumberOfDecreasesToday: 0 },
    GlobalSecondaryIndexes: [],
    LocalSecondaryIndexes: [],
    ...extra,
  } as unknown as TableRecord;
}

/** Requests of `units` each, one at a time, until one is refused: how many got in. */
function admitted(limits: EnforcedLimits, record: TableRecord, access: Access, units: number, target = {}): number {
  let count = 0;
  while (limits.refusal(record, access, target) === undefined && count < 100_000) {
    limits.charge(record, access, new CapacityUsage().addTable(units), target);
    count++;
  }
  return count;
}

describe('throughput limits', () => {
  test('a provisioned table banks its burst, spends it, then gets its rate back', () => {
    let now = 0;
    const limits = new EnforcedLimits(300, () => 1, () => now);
    const record = table(10, 5);
    assert.equal(admitted(limits, record, 'write', 1), 1500, '300 s of 5 WCU');
    assert.equal(limits.refusal(record, 'write')?.type, 'ProvisionedThroughputExceededException');
    now += 1000;
    assert.equal(admitted(limits, record, 'write', 1), 5, 'one second of rate');
    assert.equal(admitted(limits, record, 'read', 0.5), 6000, 'reads have buckets of their own');
  });

  test('an on-demand table without a maximum is held to the per-table quota, refused as AccountLimitExceeded', () => {
    const now = 0;
    const limits = new EnforcedLimits(300, () => 1, () => now);
    const record = table(0, 0, { BillingMode: 'PAY_PER_REQUEST' });
    assert.equal(admitted(limits, record, 'write', 1000), 40, "40,000 WCU: DescribeLimits' TableMaxWriteCapacityUnits, no burst");
    const refusal = limits.refusal(record, 'write');
    assert.equal(refusal?.type, 'ThrottlingException');
    assert.deepEqual(refusal?.extra?.['ThrottlingReasons'], [{ reason: 'TableWriteAccountLimitExceeded', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/limits' }]);
  });

  test('a large request may overdraw; later ones wait the debt out', () => {
    let now = 0;
    const limits = new EnforcedLimits(1, () => 1, () => now);
    const record = table(1, 10);
    limits.charge(record, 'write', new CapacityUsage().addTable(40), {});
    assert.notEqual(limits.refusal(record, 'write'), undefined);
    now += 2900;
    assert.notEqual(limits.refusal(record, 'write'), undefined, '-30 + 29 units');
    now += 200;
    assert.equal(limits.refusal(record, 'write'), undefined);
  });

  test('several processes: each admits its share of the rate', () => {
    let now = 0;
    let processes = 4;
    const limits = new EnforcedLimits(10, () => processes, () => now);
    const record = table(8, 8);
    assert.equal(admitted(limits, record, 'write', 1), 20, 'a quarter of 10 s of 8 WCU');
    processes = 1;
    now += 1000;
    assert.equal(admitted(limits, record, 'write', 1), 2, 'the second that passed was still shared');
    now += 1000;
    assert.equal(admitted(limits, record, 'write', 1), 8, 'alone from then on: the whole rate');
  });

  test('a new rate from UpdateTable applies from then on', () => {
    let now = 0;
    const limits = new EnforcedLimits(1, () => 1, () => now);
    assert.equal(admitted(limits, table(1, 2), 'write', 1), 2);
    now += 1000;
    assert.equal(admitted(limits, table(1, 50), 'write', 1), 2, 'the second before the change filled at the old rate');
    now += 1000;
    assert.equal(admitted(limits, table(1, 50), 'write', 1), 50);
  });

  test('on demand: unlimited without a maximum, but each partition key at 1,000 WCU a second', () => {
    let now = 0;
    const limits = new EnforcedLimits(300, () => 1, () => now);
    const record = table(0, 0, { BillingMode: 'PAY_PER_REQUEST' });
    assert.equal(admitted(limits, record, 'write', 10, { partition: { S: 'hot' } }), 100);
    const refusal = limits.refusal(record, 'write', { partition: { S: 'hot' } });
    assert.equal(refusal?.type, 'ThrottlingException');
    assert.deepEqual(refusal?.extra?.ThrottlingReasons, [{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/limits' }]);
    assert.equal(limits.refusal(record, 'write', { partition: { S: 'cold' } }), undefined);
    assert.equal(admitted(limits, record, 'read', 30, { partition: { S: 'hot' } }), 100, '3,000 RCU a second');
  });

  test('a global index: its reads draw on it, the table’s writes on it too', () => {
    const now = 0;
    const limits = new EnforcedLimits(1, () => 1, () => now);
    const gsi = { id: 9, IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 2, NumberOfDecreasesToday: 0 } };
    const record = table(100, 100, { GlobalSecondaryIndexes: [gsi] } as unknown as Partial<TableRecord>);
    const indexRead = new CapacityUsage().addIndex('byG', false, 1);
    let reads = 0;
    while (limits.refusal(record, 'read', { index: 'byG' }) === undefined && reads < 100) {
      limits.charge(record, 'read', indexRead, { index: 'byG' });
      reads++;
    }
    assert.equal(reads, 3);
    assert.equal(limits.refusal(record, 'read'), undefined, 'the table itself still reads');
    limits.charge(record, 'write', new CapacityUsage().addTable(1).addIndex('byG', false, 2), {});
    const refusal = limits.refusal(record, 'write');
    assert.equal(refusal?.type, 'ProvisionedThroughputExceededException');
    assert.match(refusal!.message, /one or more global secondary indexes/);
  });
});

describe('members', () => {
  test('processes are counted while they beat, and stop counting once they stop or die', async () => {
    const storage = createMemoryStorage();
    let now = 1_000_000;
    const clock = () => now;
    const a = new Members(storage, 1000, 'a', clock);
    const b = new Members(storage, 1000, 'b', clock);
    assert.equal(await a.beat(), 1);
    assert.equal(await b.beat(), 2);
    assert.equal(await a.beat(), 2);
    await b.stop();
    assert.equal(await a.beat(), 1, 'a clean stop leaves at once');
    await b.beat();
    now += 3500;
    assert.equal(await a.beat(), 1, 'b stopped beating three intervals ago');
    await storage.close();
  });
});
