/**
 * The ceiling: a bare node:http server that reads and parses each JSON request
 * body like a DynamoDB server must, then answers a fixed response of the shape
 * and size the real operation would return for the table asked about. No
 * server on Node's HTTP stack can do less work per request.
 * Usage: node dist/bench/servers/ceiling.js <port>
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { independentSet } from '../independent.js';
import type { ItemTable } from '../operations.js';
import { standardSet } from '../workloads.js';

interface Answer {
  readonly body: Buffer;
  readonly crc: string;
}

function prepare(text: string): Answer {
  const body = Buffer.from(text);
  return { body, crc: String(crc32(body)) };
}

const describeTable = (name: string) =>
  `{"TableName":"${name}","TableStatus":"ACTIVE","ItemCount":0,"TableSizeBytes":0,"GlobalSecondaryIndexes":[],` +
  `"TableArn":"arn:aws:dynamodb:us-east-1:000000000000:table/${name}"}`;

/** Answers that do not depend on the table. */
const WRITES = new Map(
  Object.entries({
    PutItem: '{}',
    UpdateItem: '{}',
    TransactWriteItems: '{}',
    BatchWriteItem: '{"UnprocessedItems":{}}',
    ListTables: '{"TableNames":[]}',
  }).map(([operation, text]) => [operation, prepare(text)]),
);

/** The reads of one table, with as many of its items as the workloads ask for. */
function readsOf(table: ItemTable): Map<string, Answer> {
  const name = table.definition.TableName;
  const items = (n: number) => Array.from({ length: n }, (_, i) => table.item(i)).join(',');
  return new Map(
    Object.entries({
      GetItem: `{"Item":${table.item(0)}}`,
      BatchGetItem: `{"Responses":{"${name}":[${items(100)}]},"UnprocessedKeys":{}}`,
      Query: `{"Items":[${items(10)}],"Count":10,"ScannedCount":10}`,
      Scan: `{"Items":[${items(100)}],"Count":100,"ScannedCount":100,"LastEvaluatedKey":${table.key(99)}}`,
    }).map(([operation, text]) => [operation, prepare(text)]),
  );
}

const SIZES = { kvItems: 100, partitions: 10 };
const READS = new Map([...standardSet.tables(SIZES), ...independentSet.tables(SIZES)].map((table) => [table.definition.TableName, readsOf(table)]));

interface Parsed {
  readonly TableName?: unknown;
  readonly RequestItems?: Record<string, unknown>;
}

/** The table a request names: TableName, or the first of a batch's RequestItems. */
function tableOf(request: Parsed): string | undefined {
  if (typeof request.TableName === 'string') return request.TableName;
  for (const name in request.RequestItems) return name;
  return undefined;
}

function answer(operation: string, request: Parsed): Answer {
  const name = tableOf(request);
  const fixed = WRITES.get(operation) ?? (name === undefined ? undefined : READS.get(name)?.get(operation));
  if (fixed) return fixed;
  // Table-level answers name the table asked about, so setup sees its own tables ACTIVE.
  if (operation === 'CreateTable') return prepare(`{"TableDescription":${describeTable(name ?? 'table')}}`);
  if (operation === 'DescribeTable') return prepare(`{"Table":${describeTable(name ?? 'table')}}`);
  return prepare('{}');
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Parsed;
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
