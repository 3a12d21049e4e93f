/**
 * The ceiling: a bare node:http server that reads and parses each JSON request
 * body like a DynamoDB server must, then answers a fixed response of the shape
 * the real operation would return. No server on Node's HTTP stack can do less
 * work per request. Usage: node dist/bench/servers/ceiling.js <port>
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { collectionItem, kvItem, KV_TABLE } from '../workloads.js';

const items = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => item(i)).join(',');
const table = (name: string) =>
  `{"TableName":"${name}","TableStatus":"ACTIVE","ItemCount":0,"TableSizeBytes":0,"GlobalSecondaryIndexes":[],` +
  `"TableArn":"arn:aws:dynamodb:us-east-1:000000000000:table/${name}"}`;

const ANSWERS: Record<string, string> = {
  GetItem: `{"Item":${kvItem(0)}}`,
  PutItem: '{}',
  UpdateItem: '{}',
  TransactWriteItems: '{}',
  BatchWriteItem: '{"UnprocessedItems":{}}',
  BatchGetItem: `{"Responses":{"${KV_TABLE}":[${items(100, kvItem)}]},"UnprocessedKeys":{}}`,
  Query: `{"Items":[${items(10, (j) => collectionItem(0, j))}],"Count":10,"ScannedCount":10}`,
  Scan: `{"Items":[${items(100, (j) => collectionItem(0, j))}],"Count":100,"ScannedCount":100,"LastEvaluatedKey":{"pk":{"S":"p0000"},"sk":{"S":"s099"}}}`,
  ListTables: '{"TableNames":[]}',
};

interface Answer {
  readonly body: Buffer;
  readonly crc: string;
}

const prepared = new Map<string, Answer>();
function prepare(text: string): Answer {
  const body = Buffer.from(text);
  return { body, crc: String(crc32(body)) };
}
for (const [operation, text] of Object.entries(ANSWERS)) prepared.set(operation, prepare(text));

/** Table-level answers name the table asked about, so setup sees its own tables ACTIVE. */
function answer(operation: string, request: { TableName?: unknown }): Answer {
  const fixed = prepared.get(operation);
  if (fixed) return fixed;
  const name = typeof request.TableName === 'string' ? request.TableName : 'table';
  if (operation === 'CreateTable') return prepare(`{"TableDescription":${table(name)}}`);
  if (operation === 'DescribeTable') return prepare(`{"Table":${table(name)}}`);
  return prepare('{}');
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { TableName?: unknown };
    const { body, crc } = answer(target.slice(target.indexOf('.') + 1), request);
    res.writeHead(200, {
      'Content-Type': 'application/x-amz-json-1.0',
      'x-amzn-RequestId': randomUUID(),
      'x-amz-crc32': crc,
      'Content-Length': String(body.length),
    });
    res.end(body);
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
