/** Application Auto Scaling clients and DynamoDB tables for the auto scaling tests. */
import { ApplicationAutoScalingClient, RegisterScalableTargetCommand, PutScalingPolicyCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateTableCommand, DescribeTableCommand, type CreateTableCommandInput, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { uniqueName } from './harness.js';

export function autoScalingClient(endpoint: string, region = 'us-east-1'): ApplicationAutoScalingClient {
  return new ApplicationAutoScalingClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

/** A provisioned table (key `pk`) with `read`/`write` units, and a global index `byG` (key `g`) with the same when `index` is set. */
export async function provisionedTable(ddb: DynamoDBClient, base: string, read: number, write: number, index = false): Promise<string> {
  const TableName = uniqueName(base);
  const ProvisionedThroughput = { ReadCapacityUnits: read, WriteCapacityUnits: write };
  const input: CreateTableCommandInput = {
    TableName,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(index ? [{ AttributeName: 'g', AttributeType: 'S' as const }] : [])],
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput,
    ...(index
      ? { GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput }] }
      : {}),
  };
  await ddb.send(new CreateTableCommand(input));
  return TableName;
}

export async function describeTable(ddb: DynamoDBClient, TableName: string): Promise<TableDescription> {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  return Table!;
}

/** Registers the table's capacity of `kind` within [min, max] and gives it a target-tracking policy at `target` percent. */
export async function trackCapacity(
  aas: ApplicationAutoScalingClient,
  TableName: string,
  kind: 'Read' | 'Write',
  min: number,
  max: number,
  target: number,
): Promise<void> {
  const ids = { ServiceNamespace: 'dynamodb' as const, ResourceId: `table/${TableName}`, ScalableDimension: `dynamodb:table:${kind}CapacityUnits` as const };
  await aas.send(new RegisterScalableTargetCommand({ ...ids, MinCapacity: min, MaxCapacity: max }));
  await aas.send(
    new PutScalingPolicyCommand({
      ...ids,
      PolicyName: `${kind.toLowerCase()}-tracking`,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: target,
        PredefinedMetricSpecification: { PredefinedMetricType: `DynamoDB${kind}CapacityUtilization` },
        ScaleOutCooldown: 0,
        ScaleInCooldown: 0,
      },
    }),
  );
}

/** Polls `check` until it returns a value, for at most `deadlineMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, deadlineMs = 60_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
