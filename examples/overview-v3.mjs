// The DynamoDB overview's examples with the AWS SDK for JavaScript v3.
// Usage: node examples/overview-v3.mjs [endpoint]
import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = new DynamoDBClient({
  endpoint: process.argv[2] || process.env.DYNALITH_ENDPOINT || 'http://127.0.0.1:8000',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const docClient = DynamoDBDocumentClient.from(client);

try {
  await client.send(new CreateTableCommand({
    TableName: 'UsersV3',
    KeySchema: [
      { AttributeName: 'UserID', KeyType: 'HASH' },
      { AttributeName: 'Email', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'UserID', AttributeType: 'S' },
      { AttributeName: 'Email', AttributeType: 'S' },
    ],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  }));
  console.log('Table created successfully');
  await docClient.send(new PutCommand({
    TableName: 'UsersV3',
    Item: { UserID: '12345', Email: 'john@example.com', Name: 'John Doe', Age: 30 },
  }));
  console.log('Item added successfully');
  const { Item } = await docClient.send(new GetCommand({
    TableName: 'UsersV3',
    Key: { UserID: '12345', Email: 'john@example.com' },
  }));
  console.log('Item:', Item);
} catch (err) {
  console.error('Error:', err);
  process.exitCode = 1;
} finally {
  client.destroy();
}
