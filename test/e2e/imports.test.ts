/**
 * Imports from S3 through the AWS SDK on every backend, the buckets being
 * folders under --s3-dir: a gzipped CSV (quoted fields, delimiters and line
 * breaks inside quotes, a header row; HeaderList and another delimiter), a
 * DynamoDB JSON file with every attribute type, an Ion file, a Zstandard file
 * (compressed with the zstd command), refused records counted and the import
 * FAILED with ItemValidationError, global indexes queryable after the import,
 * DescribeImport and ListImports (fields, paging, filter, errors), ImportTable's
 * errors (existing table, CreateTable's validation, missing bucket, ClientToken);
 * and an import killed with SIGKILL on LMDB that ends COMPLETED with every item
 * once, after the restart.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import {
  CreateTableCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  ImportTableCommand,
  ListImportsCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ImportTableCommandInput,
  type ImportTableDescription,
} from '@aws-sdk/client-dynamodb';
import { clientFor, describeEachBackend, uniqueName } from '../helpers/harness.js';
import { errorOf, queryAll, waitFor } from '../helpers/tables.js';
import { killAndRestart, runChild, startChild } from '../helpers/child-server.js';

const s3Dir = mkdtempSync(join(tmpdir(), 'dynalith-imports-s3-'));
const BUCKET = 'import-source';
mkdirSync(join(s3Dir, BUCKET));
after(() => rmSync(s3Dir, { recursive: true, force: true }));

/** Writes objects under a fresh prefix of the bucket and returns the prefix. */
function objects(files: Record<string, string | Uint8Array>, dir = s3Dir): string {
  const prefix = `${uniqueName('src')}/`;
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, BUCKET, prefix, name, '..'), { recursive: true });
    writeFileSync(join(dir, BUCKET, prefix, name), body);
  }
  return prefix;
}

const PK_SK = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'N' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

function request(prefix: string, TableName: string, more: Partial<ImportTableCommandInput> = {}): ImportTableCommandInput {
  return {
    S3BucketSource: { S3Bucket: BUCKET, S3KeyPrefix: prefix },
    InputFormat: 'DYNAMODB_JSON',
    TableCreationParameters: { TableName, ...PK_SK },
    ...more,
  };
}

async function ended(ddb: DynamoDBClient, ImportArn: string): Promise<ImportTableDescription> {
  const { ImportTableDescription } = await waitFor(
    'the import to end',
    () => ddb.send(new DescribeImportCommand({ ImportArn })),
    (out) => out.ImportTableDescription?.ImportStatus !== 'IN_PROGRESS',
  );
  return ImportTableDescription!;
}

async function importAndWait(ddb: DynamoDBClient, input: ImportTableCommandInput): Promise<ImportTableDescription> {
  const { ImportTableDescription } = await ddb.send(new ImportTableCommand(input));
  return ended(ddb, ImportTableDescription!.ImportArn!);
}

async function scanAll(ddb: DynamoDBClient, TableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

function byKey(items: Record<string, AttributeValue>[]): Record<string, AttributeValue>[] {
  const key = (item: Record<string, AttributeValue>) => `${item.pk?.S ?? item.id?.N}/${item.sk?.N ?? ''}`;
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Every attribute type, as the SDK returns them. */
const TYPED_ITEMS: Record<string, AttributeValue>[] = [
  {
    pk: { S: 'all' },
    sk: { N: '1' },
    s: { S: 'zażółć "quoted" \\ 日本' },
    empty: { S: '' },
    n: { N: '-17.5' },
    b: { B: new Uint8Array([0, 1, 254, 255]) },
    t: { BOOL: true },
    f: { BOOL: false },
    nul: { NULL: true },
    l: { L: [{ S: 'x' }, { N: '1' }, { BOOL: true }, { NULL: true }, { L: [] }, { M: {} }] },
    m: { M: { a: { N: '1' }, b: { M: { c: { S: 'd' } } } } },
    ss: { SS: ['a', 'b'] },
    ns: { NS: ['-2', '1', '3.5'] },
    bs: { BS: [new Uint8Array([0]), new Uint8Array([1])] },
  },
  { pk: { S: 'minimal' }, sk: { N: '2' } },
];

const TYPED_JSON = [
  '{"Item":{"pk":{"S":"all"},"sk":{"N":"1"},"s":{"S":"zażółć \\"quoted\\" \\\\ 日本"},"empty":{"S":""},"n":{"N":"-17.5"},"b":{"B":"AAH+/w=="},"t":{"BOOL":true},"f":{"BOOL":false},"nul":{"NULL":true},' +
    '"l":{"L":[{"S":"x"},{"N":"1"},{"BOOL":true},{"NULL":true},{"L":[]},{"M":{}}]},"m":{"M":{"a":{"N":"1"},"b":{"M":{"c":{"S":"d"}}}}},"ss":{"SS":["a","b"]},"ns":{"NS":["1","-2","3.5"]},"bs":{"BS":["AA==","AQ=="]}}}',
  '{"Item":{"pk":{"S":"minimal"},"sk":{"N":"2"}}}',
];

const TYPED_ION = [
  '$ion_1_0 {Item:{pk:"all",sk:1.,s:"zażółć \\"quoted\\" \\\\ 日本",empty:"",n:-17.5,b:{{AAH+/w==}},t:true,f:false,nul:null,' +
    'l:["x",1.,true,null,[],{}],m:{a:1.,b:{c:"d"}},ss:$dynamodb_SS::["a","b"],ns:$dynamodb_NS::[1.,-2.,35d-1],bs:$dynamodb_BS::[{{AA==}},{{AQ==}}]}}',
  '$ion_1_0 {Item:{pk:"minimal",sk:2d0}}',
];

describeEachBackend(
  'imports from S3',
  (target) => {
    test('a gzipped CSV: quoted fields, delimiters and line breaks in quotes, a header row; key attributes typed, the rest strings; a GSI queryable', async () => {
      const { ddb } = target();
      const csv = 'id,name,city,note\n1,"Smith, Jane",Paris,"line one\nline two"\n2,"Quote ""me""",Oslo,\r\n3,Plain,Paris,42\n';
      const prefix = objects({ 'data.csv.gz': gzipSync(csv) });
      const TableName = uniqueName('imp_csv');
      const done = await importAndWait(ddb, {
        S3BucketSource: { S3Bucket: BUCKET, S3KeyPrefix: prefix },
        InputFormat: 'CSV',
        InputCompressionType: 'GZIP',
        TableCreationParameters: {
          TableName,
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'N' },
            { AttributeName: 'city', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: [{ IndexName: 'byCity', KeySchema: [{ AttributeName: 'city', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        },
      });
      assert.equal(done.ImportStatus, 'COMPLETED', JSON.stringify(done));
      assert.equal(done.ProcessedItemCount, 3);
      assert.equal(done.ImportedItemCount, 3);
      assert.equal(done.ErrorCount, 0);
      assert.equal(done.ProcessedSizeBytes, Buffer.byteLength(csv), 'the uncompressed bytes');
      assert.equal((await ddb.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus, 'ACTIVE');
      assert.deepEqual(byKey(await scanAll(ddb, TableName)), [
        { id: { N: '1' }, name: { S: 'Smith, Jane' }, city: { S: 'Paris' }, note: { S: 'line one\nline two' } },
        { id: { N: '2' }, name: { S: 'Quote "me"' }, city: { S: 'Oslo' }, note: { S: '' } },
        { id: { N: '3' }, name: { S: 'Plain' }, city: { S: 'Paris' }, note: { S: '42' } },
      ]);
      const paris = await queryAll(ddb, { TableName, IndexName: 'byCity', KeyConditionExpression: 'city = :c', ExpressionAttributeValues: { ':c': { S: 'Paris' } } });
      assert.deepEqual(paris.map((item) => item.id?.N).sort(), ['1', '3']);
    });

    test('CSV with HeaderList (every line is data) and a semicolon delimiter, over two objects', async () => {
      const { ddb } = target();
      const prefix = objects({ 'a.csv': 'x;1;first\n', 'b.csv': 'y;2;second\n' });
      const TableName = uniqueName('imp_csvh');
      const done = await importAndWait(ddb, {
        ...request(prefix, TableName),
        InputFormat: 'CSV',
        InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'v'] } },
      });
      assert.equal(done.ImportStatus, 'COMPLETED');
      assert.deepEqual(done.InputFormatOptions, { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'v'] } });
      assert.deepEqual(byKey(await scanAll(ddb, TableName)), [
        { pk: { S: 'x' }, sk: { N: '1' }, v: { S: 'first' } },
        { pk: { S: 'y' }, sk: { N: '2' }, v: { S: 'second' } },
      ]);
    });

    test('DynamoDB JSON with every attribute type; blank lines and an empty object count for nothing', async () => {
      const { ddb } = target();
      const body = `${TYPED_JSON[0]}\n\n   \n${TYPED_JSON[1]}\n`;
      const prefix = objects({ 'data/00.json': body, 'data/01.json': '' });
      const TableName = uniqueName('imp_json');
      const done = await importAndWait(ddb, request(prefix, TableName));
      assert.equal(done.ImportStatus, 'COMPLETED');
      assert.equal(done.ProcessedItemCount, 2);
      assert.equal(done.ImportedItemCount, 2);
      assert.equal(done.ProcessedSizeBytes, Buffer.byteLength(body));
      assert.equal(done.InputCompressionType, 'NONE', 'an absent compression is NONE');
      assert.deepEqual(byKey(await scanAll(ddb, TableName)), TYPED_ITEMS);
    });

    test('Ion as DynamoDB exports write it', async () => {
      const { ddb } = target();
      const prefix = objects({ 'data.ion': `${TYPED_ION.join('\n')}\n` });
      const TableName = uniqueName('imp_ion');
      const done = await importAndWait(ddb, { ...request(prefix, TableName), InputFormat: 'ION' });
      assert.equal(done.ImportStatus, 'COMPLETED', JSON.stringify(done));
      assert.deepEqual(byKey(await scanAll(ddb, TableName)), TYPED_ITEMS);
    });

    test('a Zstandard file made by the zstd command', async () => {
      const { ddb } = target();
      const lines = Array.from({ length: 500 }, (_, i) => `{"Item":{"pk":{"S":"z${i}"},"sk":{"N":"${i}"},"pad":{"S":"${'p'.repeat(i % 50)}"}}}`).join('\n');
      const compressed = execFileSync('/usr/bin/zstd', ['-q', '-c'], { input: lines });
      const prefix = objects({ 'data.json.zst': compressed });
      const TableName = uniqueName('imp_zstd');
      const done = await importAndWait(ddb, { ...request(prefix, TableName), InputCompressionType: 'ZSTD' });
      assert.equal(done.ImportStatus, 'COMPLETED', JSON.stringify(done));
      assert.equal(done.ImportedItemCount, 500);
      assert.equal(done.ProcessedSizeBytes, Buffer.byteLength(lines));
      const items = await scanAll(ddb, TableName);
      assert.equal(items.length, 500);
      assert.equal(items.find((item) => item.pk?.S === 'z49')?.pad?.S, 'p'.repeat(49));
    });

    test('refused records: counted, the rest imported, the import FAILED with ItemValidationError and its table kept', async () => {
      const { ddb } = target();
      const good = (i: number) => `{"Item":{"pk":{"S":"good"},"sk":{"N":"${i}"}}}`;
      const prefix = objects({
        // Item-level errors are skipped alone; the unreadable line ends its object.
        '1.json': [good(1), '{"Item":{"sk":{"N":"1"}}}', '{"Item":{"pk":{"S":"x"},"sk":{"S":"not a number"}}}', `{"Item":{"pk":{"S":"x"},"sk":{"N":"9"},"big":{"S":"${'b'.repeat(410_000)}"}}}`, good(2), '{"Item": ', good(3)].join('\n'),
        '2.json': ['{"NotAnItem":{}}', good(4)].join('\n'),
        '3.json': [good(5), '{"Item":{"pk":{"S":"x"},"sk":{"N":"1"},"":{"S":"empty name"}}}', '{"Item":{"pk":{"S":"x"},"sk":{"N":"1"},"bad":{"N":"abc"}}}'].join('\n'),
      });
      const TableName = uniqueName('imp_err');
      const done = await importAndWait(ddb, request(prefix, TableName));
      assert.equal(done.ImportStatus, 'FAILED');
      assert.equal(done.FailureCode, 'ItemValidationError');
      assert.equal(done.FailureMessage, 'Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.');
      assert.equal(done.ErrorCount, 7);
      assert.equal(done.ImportedItemCount, 3);
      assert.equal(done.ProcessedItemCount, 10);
      assert.equal((await ddb.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus, 'ACTIVE');
      assert.deepEqual((await scanAll(ddb, TableName)).map((item) => item.sk?.N).sort(), ['1', '2', '5']);
    });

    test('DescribeImport and ListImports: fields, the TableArn filter, paging, errors', async () => {
      const { ddb } = target();
      const prefix = objects({ 'one.json': TYPED_JSON[1]! });
      const names = [uniqueName('imp_list'), uniqueName('imp_list'), uniqueName('imp_list')];
      const started: ImportTableDescription[] = [];
      for (const name of names) {
        const { ImportTableDescription } = await ddb.send(new ImportTableCommand({ ...request(prefix, name), ClientToken: `token-${name}` }));
        started.push(ImportTableDescription!);
      }
      const first = started[0]!;
      assert.equal(first.ImportStatus, 'IN_PROGRESS');
      assert.equal(first.ClientToken, `token-${names[0]}`);
      assert.match(first.ImportArn!, /^arn:aws:dynamodb:us-east-1:\d{12}:table\/[^/]+\/import\/\d{14}-[0-9a-f]{8}$/);
      assert.equal(first.ImportArn!.split('/import/')[0], first.TableArn);
      assert.equal(first.ProcessedItemCount, 0);
      assert.equal(first.EndTime, undefined);
      assert.equal(first.ProcessedSizeBytes, undefined);
      assert.match(first.CloudWatchLogGroupArn!, /^arn:aws:logs:us-east-1:\d{12}:log-group:\/aws-dynamodb\/imports:\*$/);
      assert.deepEqual(first.TableCreationParameters, { TableName: names[0], ...PK_SK });
      // DescribeTable shows the table the moment the import is accepted (CREATING until the import ends), under the import's TableId.
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: names[0] }));
      assert.equal(Table?.TableId, first.TableId);
      const done = await Promise.all(started.map((one) => ended(ddb, one.ImportArn!)));
      assert.ok(done.every((one) => one.ImportStatus === 'COMPLETED' && one.ImportedItemCount === 1));
      assert.ok(done[0]!.EndTime! >= done[0]!.StartTime!);
      assert.equal(done[0]!.StartTime!.getTime(), first.StartTime!.getTime());

      const filtered = await ddb.send(new ListImportsCommand({ TableArn: first.TableArn }));
      assert.deepEqual(filtered.ImportSummaryList?.map((summary) => summary.ImportArn), [first.ImportArn]);
      assert.equal(filtered.NextToken, undefined);
      assert.deepEqual(Object.keys(filtered.ImportSummaryList![0]!).sort(), ['CloudWatchLogGroupArn', 'EndTime', 'ImportArn', 'ImportStatus', 'InputFormat', 'S3BucketSource', 'StartTime', 'TableArn']);
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await ddb.send(new ListImportsCommand({ PageSize: 1, NextToken }));
        assert.ok(page.ImportSummaryList!.length <= 1);
        seen.push(...page.ImportSummaryList!.map((summary) => summary.ImportArn!));
        NextToken = page.NextToken;
        if (NextToken !== undefined) assert.match(NextToken, /^([0-9a-f]{16}){7,}$/);
      } while (NextToken !== undefined);
      assert.equal(new Set(seen).size, seen.length, 'no import on two pages');
      for (const one of started) assert.ok(seen.includes(one.ImportArn!));

      assert.equal((await errorOf(() => ddb.send(new ListImportsCommand({ PageSize: 26 })))).name, 'ValidationException');
      assert.equal((await errorOf(() => ddb.send(new ListImportsCommand({ NextToken: 'f'.repeat(112) })))).name, 'ValidationException');
      const unknown = `${first.TableArn}/import/01658528578619-0badf00d`;
      assert.equal((await errorOf(() => ddb.send(new DescribeImportCommand({ ImportArn: unknown })))).name, 'ImportNotFoundException');
      const malformed = await errorOf(() => ddb.send(new DescribeImportCommand({ ImportArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/x/import/01658528578619-c4d4e311' })));
      assert.equal(malformed.name, 'ValidationException');
    });

    test('ImportTable errors: CreateTable validation, an existing table, Csv options on JSON, a token replayed', async () => {
      const { ddb } = target();
      const prefix = objects({ 'one.json': TYPED_JSON[1]! });
      // A definition CreateTable refuses is refused with the same words.
      const bad = { TableName: uniqueName('imp_bad'), AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' as const }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }], BillingMode: 'PAY_PER_REQUEST' as const };
      const fromCreate = await errorOf(() => ddb.send(new CreateTableCommand(bad)));
      const fromImport = await errorOf(() => ddb.send(new ImportTableCommand({ ...request(prefix, bad.TableName), TableCreationParameters: bad })));
      assert.equal(fromImport.name, 'ValidationException');
      assert.equal(fromImport.message, fromCreate.message);
      const provisioned = await errorOf(() => ddb.send(new ImportTableCommand({ ...request(prefix, bad.TableName), TableCreationParameters: { ...PK_SK, TableName: bad.TableName, BillingMode: 'PROVISIONED' } })));
      assert.match(provisioned.message, /ReadCapacityUnits and WriteCapacityUnits must both be specified/);
      const csvOnJson = await errorOf(() => ddb.send(new ImportTableCommand({ ...request(prefix, bad.TableName), InputFormatOptions: { Csv: { Delimiter: ',' } } })));
      assert.equal(csvOnJson.name, 'ValidationException');
      assert.match(csvOnJson.message, /InputFormatOptions/);

      const TableName = uniqueName('imp_token');
      const big = objects({ 'many.json': Array.from({ length: 3000 }, (_, i) => `{"Item":{"pk":{"S":"t${i}"},"sk":{"N":"${i}"}}}`).join('\n') });
      const input = { ...request(big, TableName), ClientToken: uniqueName('tok') };
      const { ImportTableDescription: started } = await ddb.send(new ImportTableCommand(input));
      // While it runs, the same token gives the same import, whatever else differs; another table conflicts.
      const again = await ddb.send(new ImportTableCommand({ ...input, InputCompressionType: 'NONE', S3BucketSource: { S3Bucket: BUCKET, S3KeyPrefix: prefix } }));
      assert.equal(again.ImportTableDescription?.ImportArn, started?.ImportArn);
      assert.deepEqual(again.ImportTableDescription?.S3BucketSource, started?.S3BucketSource);
      const conflict = await errorOf(() => ddb.send(new ImportTableCommand({ ...input, TableCreationParameters: { ...PK_SK, TableName: uniqueName('imp_other') } })));
      assert.equal(conflict.name, 'ImportConflictException');
      await ended(ddb, started!.ImportArn!);
      // Once it has ended, its table exists and that is the answer.
      const exists = await errorOf(() => ddb.send(new ImportTableCommand(input)));
      assert.equal(exists.name, 'ResourceInUseException');
      assert.equal(exists.message, `Table already exists: ${TableName}`);
      assert.equal((await scanAll(ddb, TableName)).length, 3000);
    });

    test('a missing bucket fails the import and leaves no table; a prefix without objects completes with an empty table', async () => {
      const { ddb } = target();
      const TableName = uniqueName('imp_nobucket');
      const failed = await importAndWait(ddb, { ...request('x/', TableName), S3BucketSource: { S3Bucket: 'no-such-bucket-here', S3KeyPrefix: 'x/' } });
      assert.equal(failed.ImportStatus, 'FAILED');
      assert.equal(failed.FailureCode, 'S3NoSuchBucket');
      assert.match(failed.FailureMessage!, /^The specified bucket does not exist/);
      assert.equal(failed.ProcessedItemCount, 0);
      assert.equal((await errorOf(() => ddb.send(new DescribeTableCommand({ TableName })))).name, 'ResourceNotFoundException');

      const empty = uniqueName('imp_empty');
      const done = await importAndWait(ddb, request(`${uniqueName('nothing')}/`, empty));
      assert.equal(done.ImportStatus, 'COMPLETED');
      assert.equal(done.ProcessedItemCount, 0);
      assert.equal((await ddb.send(new DescribeTableCommand({ TableName: empty }))).Table?.TableStatus, 'ACTIVE');
      assert.deepEqual(await scanAll(ddb, empty), []);
    });
  },
  { config: { s3Dir } },
);

describe('imports across a crash (LMDB)', () => {
  test('an import killed with SIGKILL ends COMPLETED after the restart, every item written and counted once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-imports-'));
    const args = ['--port', '0', '--data-dir', dataDir, '--s3-dir', s3Dir, '--log-level', 'silent'];
    try {
      const PER_OBJECT = 4000;
      const files: Record<string, Uint8Array> = {};
      for (let o = 0; o < 5; o++) {
        const lines = Array.from({ length: PER_OBJECT }, (_, i) => `{"Item":{"pk":{"S":"o${o}-${i}"},"sk":{"N":"${i}"},"g":{"S":"g${i % 10}"},"pad":{"S":"${'y'.repeat(100)}"}}}`);
        files[`part-${o}.json.gz`] = gzipSync(`${lines.join('\n')}\n`);
      }
      const prefix = objects(files);
      let server = await startChild(args);
      let ddb = clientFor(server.endpoint);
      const TableName = uniqueName('imp_crash');
      const { ImportTableDescription } = await ddb.send(
        new ImportTableCommand({
          ...request(prefix, TableName),
          InputCompressionType: 'GZIP',
          TableCreationParameters: {
            TableName,
            ...PK_SK,
            AttributeDefinitions: [...PK_SK.AttributeDefinitions, { AttributeName: 'g', AttributeType: 'S' }],
            GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
          },
        }),
      );
      const ImportArn = ImportTableDescription!.ImportArn!;
      // Let the job get into the objects before the crash.
      await new Promise((resolve) => setTimeout(resolve, 700));
      ddb.destroy();
      server = await killAndRestart(server, args);
      ddb = clientFor(server.endpoint);
      const early = await ddb.send(new DescribeImportCommand({ ImportArn }));
      assert.equal(early.ImportTableDescription?.ImportStatus, 'IN_PROGRESS', 'the kill came before the import ended');
      assert.equal((await ddb.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus, 'CREATING');
      const done = await ended(ddb, ImportArn);
      assert.equal(done.ImportStatus, 'COMPLETED');
      assert.equal(done.ErrorCount, 0);
      assert.equal(done.ProcessedItemCount, 5 * PER_OBJECT);
      assert.equal(done.ImportedItemCount, 5 * PER_OBJECT);
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
      assert.equal(Table?.TableStatus, 'ACTIVE');
      assert.equal(Table?.ItemCount, 5 * PER_OBJECT);
      assert.equal((await scanAll(ddb, TableName)).length, 5 * PER_OBJECT);
      const g3 = await queryAll(ddb, { TableName, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'g3' } } });
      assert.equal(g3.length, (5 * PER_OBJECT) / 10);
      server.process.kill('SIGTERM');
      await server.exited();
      ddb.destroy();
      // The store check knows import records.
      const checked = await runChild(['check', '--data-dir', dataDir]);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      assert.doesNotMatch(checked.stdout, /unknown kind|no known kind/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
