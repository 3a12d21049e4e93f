import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetItemCommand, PutItemCommand, TransactGetItemsCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend } from '../helpers/harness.js';
import { prng } from '../helpers/random.js';
import { createTable } from '../helpers/tables.js';

const ACCOUNTS = 8;
const START = 100;
const CLIENTS = 16;
const TRANSFERS = 50;

const accountKey = (i: number) => ({ pk: { S: `acct-${i}` } });

describeEachBackend('transactions under concurrency', (target) => {
  let table: string;
  before(async () => {
    table = await createTable(target().ddb, 'tx_bank');
    for (let i = 0; i < ACCOUNTS; i++) {
      await target().ddb.send(new PutItemCommand({ TableName: table, Item: { ...accountKey(i), balance: { N: String(START) }, fees: { N: '0' } } }));
    }
  });

  /** Balances plus fees of every account, read in one TransactGetItems. */
  async function snapshotTotal(): Promise<{ total: number; negative: boolean }> {
    const { Responses } = await target().ddb.send(
      new TransactGetItemsCommand({ TransactItems: Array.from({ length: ACCOUNTS }, (_, i) => ({ Get: { TableName: table, Key: accountKey(i) } })) }),
    );
    let total = 0;
    let negative = false;
    for (const response of Responses ?? []) {
      const balance = Number(response.Item?.balance?.N);
      total += balance + Number(response.Item?.fees?.N);
      negative ||= balance < 0;
    }
    return { total, negative };
  }

  async function transfer(random: () => number): Promise<boolean> {
    const from = Math.floor(random() * ACCOUNTS);
    const to = (from + 1 + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS;
    const amount = { N: String(1 + Math.floor(random() * 40)) };
    try {
      await target().ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Update: { TableName: table, Key: accountKey(from), UpdateExpression: 'SET balance = balance - :a', ConditionExpression: 'balance >= :a', ExpressionAttributeValues: { ':a': amount } } },
            { Update: { TableName: table, Key: accountKey(to), UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': amount } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      return false;
    }
  }

  /** A single-item write racing the transactions: moves part of a balance into the same item's fees. */
  async function chargeFee(random: () => number): Promise<void> {
    const amount = { N: String(1 + Math.floor(random() * 5)) };
    try {
      await target().ddb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: accountKey(Math.floor(random() * ACCOUNTS)),
          UpdateExpression: 'SET balance = balance - :a, fees = fees + :a',
          ConditionExpression: 'balance >= :a',
          ExpressionAttributeValues: { ':a': amount },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  test('16 clients x 50 conditional transfers keep the total, never go negative, and snapshots are consistent', async () => {
    let running = true;
    const snapshots: { total: number; negative: boolean }[] = [];
    const reader = (async () => {
      while (running) snapshots.push(await snapshotTotal());
    })();
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      const random = prng(1000 + c);
      let committed = 0;
      for (let i = 0; i < TRANSFERS; i++) {
        if (await transfer(random)) committed++;
        if (i % 10 === 0) await chargeFee(random);
      }
      return committed;
    });
    const committed = (await Promise.all(clients)).reduce((a, b) => a + b, 0);
    running = false;
    await reader;
    assert.ok(committed > 0, 'some transfers commit');
    assert.ok(snapshots.length > 0, 'snapshots were taken during the run');
    for (const snapshot of snapshots) assert.deepEqual(snapshot, { total: ACCOUNTS * START, negative: false });
    let total = 0;
    for (let i = 0; i < ACCOUNTS; i++) {
      const { Item } = await target().ddb.send(new GetItemCommand({ TableName: table, Key: accountKey(i), ConsistentRead: true }));
      const balance = Number(Item?.balance?.N);
      assert.ok(balance >= 0, `account ${i} is not negative`);
      total += balance + Number(Item?.fees?.N);
    }
    assert.equal(total, ACCOUNTS * START);
  });
});
