// A real-time analytics consumer: follows a table's stream (shard by shard, a
// parent before its children) and keeps running totals of `amount` per
// `category`, applying each INSERT, MODIFY and REMOVE as a delta.
//
//   node bin/dynalith.js --in-memory &
//   node examples/stream-analytics.mjs [http://127.0.0.1:8000]
//
// It creates an `Orders` table with a NEW_AND_OLD_IMAGES stream, writes a few
// orders, and prints the totals the stream yields next to the table's own.
import { CreateTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand, DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';

const endpoint = process.argv[2] ?? 'http://127.0.0.1:8000';
const options = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const ddb = new DynamoDBClient(options);
const streams = new DynamoDBStreamsClient(options);
const TableName = `Orders_${Date.now()}`;

const { TableDescription } = await ddb.send(new CreateTableCommand({
  TableName,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
}));
const StreamArn = TableDescription.LatestStreamArn;

const totals = new Map();
const add = (image, sign) => {
  if (image === undefined) return;
  const category = image.category.S;
  totals.set(category, (totals.get(category) ?? 0) + sign * Number(image.amount.N));
};

// Where each shard's reading stands: its next iterator, or null once it is drained.
const positions = new Map();

/** Reads every shard that has something new, parents first; returns how many records it applied. */
async function poll() {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  let applied = 0;
  for (const shard of StreamDescription.Shards) {
    if (shard.ParentShardId && positions.has(shard.ParentShardId) && positions.get(shard.ParentShardId) !== null) continue;
    if (!positions.has(shard.ShardId)) {
      const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      positions.set(shard.ShardId, ShardIterator);
    }
    let iterator = positions.get(shard.ShardId);
    while (iterator) {
      const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const { dynamodb } of Records) {
        add(dynamodb.OldImage, -1);
        add(dynamodb.NewImage, +1);
        applied += 1;
      }
      iterator = NextShardIterator ?? null;
      positions.set(shard.ShardId, iterator);
      if (Records.length === 0) break;
    }
  }
  return applied;
}

const categories = ['books', 'games', 'music'];
for (let i = 0; i < 30; i++) {
  const item = { id: { S: `order-${i % 12}` }, category: { S: categories[i % 3] }, amount: { N: String(5 + i) } };
  await ddb.send(new PutItemCommand({ TableName, Item: item }));
  if (i % 7 === 0) await poll();
}
await ddb.send(new UpdateItemCommand({ TableName, Key: { id: { S: 'order-1' } }, UpdateExpression: 'SET amount = amount + :x', ExpressionAttributeValues: { ':x': { N: '100' } } }));
await ddb.send(new DeleteItemCommand({ TableName, Key: { id: { S: 'order-2' } } }));
await poll();

const fromTable = new Map();
for (const item of (await ddb.send(new ScanCommand({ TableName }))).Items) {
  fromTable.set(item.category.S, (fromTable.get(item.category.S) ?? 0) + Number(item.amount.N));
}
for (const category of categories) {
  console.log(`${category.padEnd(6)} stream total ${String(totals.get(category) ?? 0).padStart(5)}   table total ${String(fromTable.get(category) ?? 0).padStart(5)}`);
}
