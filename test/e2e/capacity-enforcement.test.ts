/**
 * `--capacity enforce` through the AWS SDK: provisioned tables throttle past
 * their capacity and burst, a global index short of write capacity throttles
 * its table's writes, on-demand tables throttle past their maximum and per
 * hot partition key, batches leave throttled entries unprocessed and
 * transactions are cancelled, and the SDK's own retries get through.
 * Burst is 2 seconds here (DynamoDB's 300 would make a test wait minutes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchExecuteStatementCommand,
  BatchWriteItemCommand,
  ExecuteStatementCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';

const TABLE_EXCEEDED = 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';

type Throttle = Error & { $metadata?: { httpStatusCode?: number }; ThrottlingReasons?: { reason: string; resource: string }[] };

async function createTable(ddb: DynamoDBClient, prefix: string, extra: Partial<CreateTableCommandInput> = {}): Promise<string> {
  const TableName = uniqueName(prefix);
  await ddb.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...extra,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(extra.AttributeDefinitions ?? [])],
    } as CreateTableCommandInput),
  );
  return TableName;
}

const provisioned = (read: number, write: number): Partial<CreateTableCommandInput> => ({
  BillingMode: 'PROVISIONED',
  ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write },
});

/** Puts items (`size` bytes of padding each, under key `pk`) one after another until one is throttled; the successes before it. */
async function putUntilThrottled(ddb: DynamoDBClient, TableName: string, pk: (i: number) => string, size = 10): Promise<{ puts: number; error: Throttle }> {
  for (let i = 0; i < 5000; i++) {
    try {
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk(i) }, pad: { S: 'x'.repeat(size) } } }));
    } catch (error) {
      return { puts: i, error: error as Throttle };
    }
  }
  throw new Error('never throttled');
}

/** A provisioned table (`read` RCU, 1 WCU) whose write capacity is spent, and an on-demand one beside it. */
async function slowAndFree(ddb: DynamoDBClient, prefix: string, read: number): Promise<{ slow: string; free: string }> {
  const slow = await createTable(ddb, `${prefix}slow`, provisioned(read, 1));
  const free = await createTable(ddb, `${prefix}free`);
  await putUntilThrottled(ddb, slow, (i) => `warm${i}`);
  return { slow, free };
}

function assertThrottle(error: Throttle, name: string, reason: string, message?: string): void {
  assert.equal(error.name, name, error.message);
  assert.equal(error.$metadata?.httpStatusCode, 400);
  assert.equal(error.ThrottlingReasons?.[0]?.reason, reason);
  if (message !== undefined) assert.equal(error.message, message);
}

describeEachBackend(
  'capacity enforcement',
  (target: () => Target) => {
    test('a provisioned table throttles past its burst, and the SDK retrying gets the write through', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'prov', provisioned(5, 5));
      const { puts, error } = await putUntilThrottled(ddb, TableName, (i) => `k${i}`);
      // Two seconds of 5 WCU are banked at the start, so at least 10 one-unit writes get in at once.
      assert.ok(puts >= 10, `only ${puts} writes before throttling`);
      assertThrottle(error, 'ProvisionedThroughputExceededException', 'TableWriteProvisionedThroughputExceeded', TABLE_EXCEEDED);
      assert.match(error.ThrottlingReasons![0]!.resource, new RegExp(`:table/${TableName}$`));
      const retrying = target().client({ maxAttempts: 20 });
      try {
        await retrying.send(new PutItemCommand({ TableName, Item: { pk: { S: 'after' } } }));
        const read = await retrying.send(new GetItemCommand({ TableName, Key: { pk: { S: 'after' } }, ConsistentRead: true }));
        assert.deepEqual(read.Item, { pk: { S: 'after' } });
      } finally {
        retrying.destroy();
      }
    });

    test('burst: a spike above the rate gets through whole, up to what was banked', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'burst', provisioned(5, 4));
      // 4 WCU a second with 2 seconds banked: a spike of 8 writes at once is let in, twice the rate.
      const spike = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `s${i}` } } }))));
      assert.deepEqual(spike.filter((r) => r.status === 'rejected'), []);
      const { error } = await putUntilThrottled(ddb, TableName, (i) => `after${i}`);
      assertThrottle(error, 'ProvisionedThroughputExceededException', 'TableWriteProvisionedThroughputExceeded');
    });

    test('a global index short of write capacity throttles its table’s writes', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'gsi', {
        ...provisioned(100, 100),
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexes: [
          { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
        ],
      });
      let error: Throttle | undefined;
      for (let i = 0; i < 1000 && error === undefined; i++) {
        await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i}` }, g: { S: `g${i}` } } })).catch((e: Throttle) => (error = e));
      }
      assert.ok(error !== undefined);
      assertThrottle(error, 'ProvisionedThroughputExceededException', 'IndexWriteProvisionedThroughputExceeded');
      assert.match(error.message, /one or more global secondary indexes/);
      assert.match(error.ThrottlingReasons![0]!.resource, /\/index\/byG$/);
    });

    test('on demand: a hot partition key throttles while other keys go on', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'hot');
      // 20 KB items cost 20 WCU each: the key's 1,000 WCU a second run out after about 50.
      const { puts, error } = await putUntilThrottled(ddb, TableName, () => 'hot', 20_000);
      assert.ok(puts >= 49, `only ${puts} writes before throttling`);
      assertThrottle(error, 'ThrottlingException', 'TableWriteKeyRangeThroughputExceeded');
      assert.match(error.message, /^Throughput exceeds the current capacity of your table or index\./);
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'cold' }, pad: { S: 'x'.repeat(20_000) } } }));
    });

    test('on demand: MaxWriteRequestUnits caps the table', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'capped', { OnDemandThroughput: { MaxWriteRequestUnits: 5 } });
      const { puts, error } = await putUntilThrottled(ddb, TableName, (i) => `k${i}`);
      assert.ok(puts >= 5, `only ${puts} writes before throttling`);
      assertThrottle(error, 'ThrottlingException', 'TableWriteMaxOnDemandThroughputExceeded');
    });

    test('batches leave a throttled table’s writes unprocessed, and resending them completes the batch', async () => {
      const { ddb } = target();
      const { slow, free } = await slowAndFree(ddb, '', 5);
      const requests = (table: string) => ({ [table]: Array.from({ length: 3 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `b${i}` } } } })) });
      const first = await ddb.send(new BatchWriteItemCommand({ RequestItems: { ...requests(slow), ...requests(free) } }));
      assert.deepEqual(first.UnprocessedItems, requests(slow));
      await assert.rejects(ddb.send(new BatchWriteItemCommand({ RequestItems: requests(slow) })), (error: Throttle) => {
        assertThrottle(error, 'ProvisionedThroughputExceededException', 'TableWriteProvisionedThroughputExceeded');
        return true;
      });
      // Resent with a pause, as the SDK documentation advises; a resend that finds every entry throttled is refused whole.
      let pending: Record<string, WriteRequest[]> = first.UnprocessedItems ?? {};
      for (let round = 0; round < 100 && Object.keys(pending).length > 0; round++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        try {
          pending = (await ddb.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems ?? {};
        } catch (error) {
          if ((error as Error).name !== 'ProvisionedThroughputExceededException') throw error;
        }
      }
      assert.deepEqual(pending, {});
      for (let i = 0; i < 3; i++) {
        assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: slow, Key: { pk: { S: `b${i}` } }, ConsistentRead: true }))).Item, { pk: { S: `b${i}` } });
      }
    });

    test('a batch larger than what is left runs the part the table covers and leaves the rest unprocessed', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'partial', provisioned(5, 5));
      // 10 units banked (2 s of 5 WCU); each admitted put holds one while the next are asked.
      const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `p${i}` } } } }));
      const { UnprocessedItems } = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: items } }));
      const left = UnprocessedItems?.[TableName]?.length ?? 0;
      // Ten get in; a stalled machine refilling a unit or two mid-batch may let a few more.
      assert.ok(left >= 8 && left <= 15, `${left} of 25 left unprocessed`);
      const sent = new Set(items.map((item) => item.PutRequest.Item.pk.S));
      assert.ok(UnprocessedItems![TableName]!.every((entry) => sent.has(entry.PutRequest!.Item!.pk!.S!)));
    });

    test('PartiQL is charged as the operations it stands for: a statement throttles, a batch statement fails on its own', async () => {
      const { ddb } = target();
      const { slow, free } = await slowAndFree(ddb, 'pq', 1);
      await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${slow}" VALUE {'pk': 'x'}` })), (error: Throttle) => {
        assertThrottle(error, 'ProvisionedThroughputExceededException', 'TableWriteProvisionedThroughputExceeded');
        return true;
      });
      const { Responses } = await ddb.send(
        new BatchExecuteStatementCommand({
          Statements: [{ Statement: `INSERT INTO "${slow}" VALUE {'pk': 'y'}` }, { Statement: `INSERT INTO "${free}" VALUE {'pk': 'y'}` }],
        }),
      );
      assert.equal(Responses?.[0]?.Error?.Code, 'ProvisionedThroughputExceeded');
      assert.equal(Responses?.[1]?.Error, undefined);
      // Reads have buckets of their own: 1 RCU banks 2 units; strongly consistent reads of one unit each run them out.
      let readError: Throttle | undefined;
      for (let i = 0; i < 100 && readError === undefined; i++) {
        await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${slow}" WHERE pk = 'warm0'`, ConsistentRead: true })).catch((e: Throttle) => (readError = e));
      }
      assert.ok(readError !== undefined);
      assertThrottle(readError, 'ProvisionedThroughputExceededException', 'TableReadProvisionedThroughputExceeded');
    });

    test('a transaction touching a throttled table is cancelled with its reason', async () => {
      const { ddb } = target();
      const { slow, free } = await slowAndFree(ddb, 'tx', 5);
      await assert.rejects(
        ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Put: { TableName: free, Item: { pk: { S: 't' } } } }, { Put: { TableName: slow, Item: { pk: { S: 't' } } } }],
          }),
        ),
        (error: Error & { CancellationReasons?: { Code: string; Message?: string }[] }) => {
          assert.equal(error.name, 'TransactionCanceledException');
          assert.deepEqual(error.CancellationReasons?.map((reason) => reason.Code), ['None', 'ProvisionedThroughputExceeded']);
          assert.equal(error.CancellationReasons?.[1]?.Message, TABLE_EXCEEDED);
          return true;
        },
      );
      assert.equal((await ddb.send(new GetItemCommand({ TableName: free, Key: { pk: { S: 't' } }, ConsistentRead: true }))).Item, undefined);
    });
  },
  { config: { capacity: 'enforce', burstSeconds: 2 } },
);
