/** For global tables' tests: a table's items and index entries as text, and waits for replicas to agree. */
import { DescribeTableCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { queryAll, waitFor, type SimpleTable } from './tables.js';

/** A table keyed on `pk` with a global index `byG` on `g`. */
export const INDEXED: SimpleTable = { hash: ['pk', 'S'], indexes: [{ name: 'byG', hash: ['g', 'S'] }] };

type Items = Record<string, AttributeValue>[];

/** Items as sorted JSON texts, each with its attributes in name order, so two replicas' can be compared. */
function render(items: Items): string[] {
  return items.map((item) => JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1))))).sort();
}

export interface Contents {
  readonly items: readonly string[];
  /** The entries of `byG` under the given values of `g`. */
  readonly entries: readonly string[];
}

async function contents(ddb: DynamoDBClient, TableName: string, groups: readonly string[]): Promise<Contents> {
  const items: Items = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  const entries: Items = [];
  for (const g of groups) entries.push(...(await queryAll(ddb, { TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: g } } })));
  return { items: render(items), entries: render(entries) };
}

/** Waits until every region's table holds the same items and index entries (a region that cannot be read yet does not), and returns them. */
export async function converged(clients: readonly DynamoDBClient[], TableName: string, groups: readonly string[]): Promise<Contents> {
  const seen = await waitFor(
    'the replicas to converge',
    () => Promise.all(clients.map((ddb) => contents(ddb, TableName, groups).catch(() => undefined))),
    (all) => all[0] !== undefined && all.every((one) => one !== undefined && JSON.stringify(one) === JSON.stringify(all[0])),
  );
  return seen[0]!;
}

export async function replicaActive(ddb: DynamoDBClient, TableName: string, region: string): Promise<void> {
  await waitFor(`the replica in ${region}`, () => ddb.send(new DescribeTableCommand({ TableName })), (answer) => answer.Table?.Replicas?.find((r) => r.RegionName === region)?.ReplicaStatus === 'ACTIVE');
}
