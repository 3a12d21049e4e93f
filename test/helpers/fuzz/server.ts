/** Calling a test server with the checks of answers.ts, and reading its JSON. */
import assert from 'node:assert/strict';
import type { Target } from '../harness.js';
import { describe, exchange, type Answer } from './answers.js';

export type Call = (operation: string, body: unknown) => Promise<Answer>;

/** A function sending DynamoDB operations to `target` as raw JSON, each answer checked. */
export function caller(target: () => Target): Call {
  return (operation, body) =>
    exchange(target().endpoint, `DynamoDB_20120810.${operation}`, typeof body === 'string' ? body : JSON.stringify(body), { inProcess: target().backend !== 'external' });
}

/** The answer's JSON, after asserting it is a 200. */
export function ok(answer: Answer, context: unknown): Record<string, unknown> {
  assert.equal(answer.status, 200, `${describe(JSON.stringify(context))}\nanswer ${answer.status}: ${describe(answer.body)}`);
  return answer.body.length === 0 ? {} : answer.json();
}

/** Writes `items` (each with its key) to `TableName`, runs `body`, and deletes them again. */
export async function withItems(call: Call, TableName: string, items: readonly Record<string, unknown>[], key: (item: Record<string, unknown>) => Record<string, unknown>, body: () => Promise<void>): Promise<void> {
  const puts = items.map((Item) => ({ PutRequest: { Item } }));
  ok(await call('BatchWriteItem', { RequestItems: { [TableName]: puts } }), puts);
  try {
    await body();
  } finally {
    const deletes = items.map((item) => ({ DeleteRequest: { Key: key(item) } }));
    await call('BatchWriteItem', { RequestItems: { [TableName]: deletes } });
  }
}
