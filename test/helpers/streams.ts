/** Reading a whole stream through @aws-sdk/client-dynamodb-streams, as a consumer would. */
import { CreateTableCommand, type DynamoDBClient, type StreamViewType } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';

export function streamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

/** Creates an on-demand table (string key `pk`) with its stream enabled; answers its name and stream ARN. */
export async function createStreamTable(ddb: DynamoDBClient, TableName: string, StreamViewType: StreamViewType): Promise<{ TableName: string; arn: string }> {
  const created = await ddb.send(new CreateTableCommand({
    TableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType },
  }));
  return { TableName, arn: created.TableDescription!.LatestStreamArn! };
}

/** Every record of the stream, each shard from TRIM_HORIZON to what it holds now. */
export async function readStream(streams: DynamoDBStreamsClient, StreamArn: string): Promise<_Record[]> {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  const records: _Record[] = [];
  // Shards come oldest first and each child names its parent, so this order reads parents before children.
  for (const shard of StreamDescription!.Shards!) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 7 }));
      records.push(...page.Records!);
      if (page.Records!.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
