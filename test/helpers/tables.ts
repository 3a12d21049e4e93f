/** Creating throwaway tables for tests. */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { uniqueName } from './harness.js';

type KeyType = 'S' | 'N' | 'B';

export interface SimpleTable {
  readonly hash: [string, KeyType];
  readonly range?: [string, KeyType];
  readonly extra?: Partial<CreateTableCommandInput>;
}

/** Creates a table (on-demand unless told otherwise) and waits until it is ACTIVE. */
export async function createTable(ddb: DynamoDBClient, base: string, spec: SimpleTable = { hash: ['pk', 'S'] }): Promise<string> {
  const name = uniqueName(base);
  const keys = [spec.hash, ...(spec.range ? [spec.range] : [])];
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: keys.map(([attribute], i) => ({ AttributeName: attribute, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      AttributeDefinitions: keys.map(([attribute, type]) => ({ AttributeName: attribute, AttributeType: type })),
      BillingMode: 'PAY_PER_REQUEST',
      ...spec.extra,
    }),
  );
  for (let i = 0; i < 600; i++) {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return name;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/** Runs `send` and returns the error it throws (failing when it does not throw). */
export async function errorOf(send: () => Promise<unknown>): Promise<{ name: string; message: string } & Record<string, unknown>> {
  try {
    await send();
  } catch (error) {
    return error as { name: string; message: string } & Record<string, unknown>;
  }
  throw new Error('expected the request to fail, but it succeeded');
}
