/**
 * The ceiling: a bare server that reads and parses each JSON request body like
 * a DynamoDB server must, then answers a fixed response of the shape and size
 * the real operation would return for the table asked about. On node:http (the
 * default) no server on Node's HTTP stack can do less work per request; with
 * `dynalith-http` it runs on Dynalith's own HTTP layer (src/server/http), so
 * Dynalith's cost over it is exactly the DynamoDB work.
 * Usage: node dist/bench/servers/ceiling.js <port> [node-http|dynalith-http]
 */
import { createServer } from 'node:http';
import { createHttpListener } from '../../src/server/http/listener.js';
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

function parse(target: string | undefined, body: Buffer): Answer {
  const name = String(target ?? '');
  return answer(name.slice(name.indexOf('.') + 1), JSON.parse(body.toString('utf8') || '{}') as Parsed);
}

const port = Number(process.argv[2]);
if (process.argv[3] === 'dynalith-http') {
  const listener = createHttpListener(
    (req, reply) => {
      const { body, crc } = parse(req.headers['x-amz-target'], req.body ?? Buffer.alloc(0));
      const headers = `Content-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: ${randomUUID()}\r\nx-amz-crc32: ${crc}\r\nContent-Length: ${body.length}\r\n`;
      reply.send(200, headers, body);
    },
    { headerBytes: 16 * 1024, bodyBytes: 16 * 1024 * 1024, keepAliveMs: 60_000, headersMs: 60_000, requestMs: 300_000, refusalHeaders: '', maxConnections: 10_000, maxConnectionsPerIp: 10_000 },
  );
  listener.server.listen(port, '127.0.0.1');
} else {
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { body, crc } = parse(req.headers['x-amz-target'] as string | undefined, Buffer.concat(chunks));
      res.writeHead(200, {
        'Content-Type': 'application/x-amz-json-1.0',
        'x-amzn-RequestId': randomUUID(),
        'x-amz-crc32': crc,
        'Content-Length': String(body.length),
      });
      res.end(body);
    });
  });
  server.listen(port, '127.0.0.1');
}
