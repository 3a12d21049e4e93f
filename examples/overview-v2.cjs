// The examples of the DynamoDB overview, run against Dynalith with the AWS SDK
// for JavaScript v2. Only the configuration at the top is added; each step is
// the overview's code as it stands. Usage: node examples/overview-v2.cjs [endpoint]
const AWS = require('aws-sdk');

AWS.config.update({
  endpoint: process.argv[2] || process.env.DYNALITH_ENDPOINT || 'http://127.0.0.1:8000',
  region: 'us-east-1',
  accessKeyId: 'local',
  secretAccessKey: 'local',
});

async function createTableStep() {
  const dynamoDB = new AWS.DynamoDB();

  const params = {
    TableName: 'Users',
    KeySchema: [
      { AttributeName: 'UserID', KeyType: 'HASH' },  // Partition key
      { AttributeName: 'Email', KeyType: 'RANGE' }   // Sort key
    ],
    AttributeDefinitions: [
      { AttributeName: 'UserID', AttributeType: 'S' },
      { AttributeName: 'Email', AttributeType: 'S' }
    ],
    ProvisionedThroughput: {
      ReadCapacityUnits: 5,
      WriteCapacityUnits: 5
    }
  };

  await dynamoDB.createTable(params).promise()
    .then(data => console.log('Table created successfully'))
    .catch(err => console.error('Error creating table:', err));
}

async function putStep() {
  const docClient = new AWS.DynamoDB.DocumentClient();

  const params = {
    TableName: 'Users',
    Item: {
      UserID: '12345',
      Email: 'john@example.com',
      Name: 'John Doe',
      Age: 30
    }
  };

  await docClient.put(params).promise()
    .then(data => console.log('Item added successfully'))
    .catch(err => console.error('Error adding item:', err));
}

async function getStep() {
  const docClient = new AWS.DynamoDB.DocumentClient();

  const params = {
    TableName: 'Users',
    Key: {
      UserID: '12345',
      Email: 'john@example.com'
    }
  };

  await docClient.get(params).promise()
    .then(data => console.log('Item:', data.Item))
    .catch(err => console.error('Error getting item:', err));
}

createTableStep().then(putStep).then(getStep);
