/** What the Contributor Insights suites share: a CloudWatch client on the server's endpoint, a table with a sort key and a global index, polling. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CreateTableCommand,
  DescribeContributorInsightsCommand,
  type DescribeContributorInsightsCommandOutput,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { uniqueName } from './harness.js';

export function cloudWatchFor(endpoint: string): CloudWatchClient {
  return new CloudWatchClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

/** A table keyed `pk` (+ `sk`), with the hash-only global index `byG` on `g`. */
export async function createInsightsTable(ddb: DynamoDBClient, prefix: string, extra: Partial<CreateTableCommandInput> = {}): Promise<string> {
  const TableName = uniqueName(prefix);
  await ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
      ...extra,
    }),
  );
  return TableName;
}

/** Describes until the status is the one awaited (a generous deadline: transitions take the configured update time). */
export async function describeUntil(
  ddb: DynamoDBClient,
  input: { TableName: string; IndexName?: string },
  status: string,
): Promise<DescribeContributorInsightsCommandOutput> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const described = await ddb.send(new DescribeContributorInsightsCommand(input));
    if (described.ContributorInsightsStatus === status) return described;
    if (Date.now() > deadline) throw new Error(`still ${described.ContributorInsightsStatus}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
