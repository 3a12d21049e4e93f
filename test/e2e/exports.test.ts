/**
 * Exports to S3 on every backend, read back from the bucket folder under
 * --s3-dir: a full export holds exactly the table's items, and its manifests
 * and checksums agree with its files; an export at a time between two writes
 * holds the earlier state; ION output read by a small Ion reader; incremental
 * exports with both view types; DynamoDB's errors; a missing bucket ends
 * FAILED; ListExports pages; and an export cut by SIGKILL ends COMPLETED
 * with every item after the restart (LMDB).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DeleteItemCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ListExportsCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type ExportDescription,
  type ExportTableToPointInTimeCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createTable, errorOf, putMany, waitFor } from '../helpers/tables.js';
import { clientFor, describeEachBackend } from '../helpers/harness.js';
import { killAndRestart, startChild, runChild } from '../helpers/child-server.js';

type Wire = Record<string, unknown>;

const s3Dir = mkdtempSync(join(tmpdir(), 'dynalith-exports-s3-'));
const BUCKET = 'export-bucket';
mkdirSync(join(s3Dir, BUCKET));
process.on('exit', () => rmSync(s3Dir, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tableArnOf(ddb: DynamoDBClient, TableName: string): Promise<string> {
  return (await ddb.send(new DescribeTableCommand({ TableName }))).Table!.TableArn!;
}

async function enablePitr(ddb: DynamoDBClient, TableName: string): Promise<string> {
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  return tableArnOf(ddb, TableName);
}

async function startExport(ddb: DynamoDBClient, input: Omit<ExportTableToPointInTimeCommandInput, 'S3Bucket'> & { S3Bucket?: string }): Promise<ExportDescription> {
  const { ExportDescription } = await ddb.send(new ExportTableToPointInTimeCommand({ S3Bucket: BUCKET, ...input }));
  assert.equal(ExportDescription!.ExportStatus, 'IN_PROGRESS');
  return ExportDescription!;
}

async function finished(ddb: DynamoDBClient, ExportArn: string): Promise<ExportDescription> {
  const { ExportDescription } = await waitFor('the export', () => ddb.send(new DescribeExportCommand({ ExportArn })), (answer) => answer.ExportDescription?.ExportStatus !== 'IN_PROGRESS');
  return ExportDescription!;
}

const md5 = (body: Buffer) => createHash('md5').update(body).digest();
const object = (bucket: string, key: string) => readFileSync(join(s3Dir, bucket, ...key.split('/')));

/** A COMPLETED export's manifests checked against its files; its summary and its data lines (text). */
function readBack(description: ExportDescription, bucket = BUCKET): { summary: Wire; lines: string[]; keys: string[] } {
  assert.equal(description.ExportStatus, 'COMPLETED', JSON.stringify(description));
  const summaryKey = description.ExportManifest!;
  const summaryBody = object(bucket, summaryKey);
  assert.equal(object(bucket, summaryKey.replace(/\.json$/, '.md5')).toString().trim(), md5(summaryBody).toString('base64'));
  const summary = JSON.parse(summaryBody.toString()) as Wire;
  const filesKey = summary.manifestFilesS3Key as string;
  const filesBody = object(bucket, filesKey);
  assert.equal(object(bucket, filesKey.replace(/\.json$/, '.md5')).toString().trim(), md5(filesBody).toString('base64'));
  const lines: string[] = [];
  const keys: string[] = [];
  for (const entry of filesBody.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Wire)) {
    const body = object(bucket, entry.dataFileS3Key as string);
    assert.equal(entry.md5Checksum, md5(body).toString('base64'));
    assert.equal(entry.etag, md5(body).toString('hex'));
    const fileLines = gunzipSync(body).toString().split('\n').filter(Boolean);
    assert.equal(entry.itemCount, fileLines.length);
    lines.push(...fileLines);
    keys.push(entry.dataFileS3Key as string);
  }
  assert.equal(summary.itemCount, lines.length);
  assert.equal(description.ItemCount, lines.length);
  return { summary, lines, keys };
}

/** Sets in a canonical order, so items compare whatever order a set was kept in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Wire)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([tag, inner]) => [tag, ['SS', 'NS', 'BS'].includes(tag) ? [...(inner as string[])].sort() : canonical(inner)]),
  );
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Items of every type, as DynamoDB JSON with binaries in base64 (the export's form). */
function richItem(i: number): Wire {
  return {
    pk: { S: `k${i}` },
    s: { S: `text "${i}"\n\u00e9` },
    n: { N: String(600 + i) },
    f: { N: '-0.25' },
    b: { B: b64(`bin${i}`) },
    ss: { SS: ['a', `b${i}`] },
    ns: { NS: ['1.5', '2000', String(i)] },
    bs: { BS: [b64('x'), b64(`y${i}`)] },
    l: { L: [{ N: '1' }, { S: 'two' }, { NULL: true }] },
    m: { M: { inner: { M: { deep: { BOOL: true } } }, flag: { BOOL: false } } },
    nul: { NULL: true },
  };
}

/** The SDK's form of a wire item (binaries as bytes). */
function sdkItem(item: Wire): Record<string, AttributeValue> {
  const convert = (value: Wire): AttributeValue => {
    const [tag, inner] = Object.entries(value)[0]!;
    if (tag === 'B') return { B: Buffer.from(inner as string, 'base64') };
    if (tag === 'BS') return { BS: (inner as string[]).map((text) => Buffer.from(text, 'base64')) };
    if (tag === 'L') return { L: (inner as Wire[]).map(convert) };
    if (tag === 'M') return { M: Object.fromEntries(Object.entries(inner as Record<string, Wire>).map(([k, v]) => [k, convert(v)])) };
    return value as unknown as AttributeValue;
  };
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, convert(value as Wire)]));
}

/**
 * A reader of the Ion text the exports write, for the test only: structs
 * with quoted or bare field names, strings, decimals, blobs, bools, null,
 * lists and the $dynamodb_ set annotations, turned back into DynamoDB JSON.
 */
function readIonLine(text: string): Wire {
  let at = 0;
  const skip = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const quoted = (quote: string): string => {
    let out = '';
    at++;
    while (text[at] !== quote) {
      if (text[at] === '\\') {
        const next = text[at + 1]!;
        if (next === 'x') {
          out += String.fromCharCode(parseInt(text.slice(at + 2, at + 4), 16));
          at += 4;
        } else {
          out += next;
          at += 2;
        }
      } else out += text[at++];
    }
    at++;
    return out;
  };
  const decimal = (raw: string): string => {
    const [coefficient, exponent = '0'] = raw.split('d');
    const shifted = Number(`${coefficient!.replace(/\.$/, '')}e${exponent}`);
    return String(shifted);
  };
  const value = (): Wire => {
    skip();
    const annotation = /^\$dynamodb_(SS|NS|BS)::/.exec(text.slice(at));
    if (annotation) {
      at += annotation[0].length;
      const members = value().L as Wire[];
      const tag = annotation[1]!;
      return { [tag]: members.map((member) => Object.values(member)[0]) };
    }
    const char = text[at];
    if (char === '"') return { S: quoted('"') };
    if (text.startsWith('{{', at)) {
      const end = text.indexOf('}}', at);
      const blob = text.slice(at + 2, end);
      at = end + 2;
      return { B: blob };
    }
    if (char === '{') return { M: struct() };
    if (char === '[') {
      at++;
      const items: Wire[] = [];
      skip();
      while (text[at] !== ']') {
        items.push(value());
        skip();
        if (text[at] === ',') at++;
        skip();
      }
      at++;
      return { L: items };
    }
    const word = /^[^,\]}\s]+/.exec(text.slice(at))![0];
    at += word.length;
    if (word === 'true' || word === 'false') return { BOOL: word === 'true' };
    if (word === 'null') return { NULL: true };
    return { N: decimal(word) };
  };
  const struct = (): Record<string, Wire> => {
    const fields: Record<string, Wire> = {};
    at++;
    skip();
    while (text[at] !== '}') {
      const name = text[at] === "'" ? quoted("'") : /^[A-Za-z_$][\w$]*/.exec(text.slice(at))![0];
      if (text[at - 1] !== "'") at += name.length;
      skip();
      assert.equal(text[at], ':');
      at++;
      fields[name] = value();
      skip();
      if (text[at] === ',') at++;
      skip();
    }
    at++;
    return fields;
  };
  assert.ok(text.startsWith('$ion_1_0 '), text);
  at = '$ion_1_0 '.length;
  skip();
  return Object.fromEntries(Object.entries(struct()).map(([name, wrapped]) => [name, wrapped.M]));
}

/** Numbers in a canonical form, for comparing Ion's decimals with the items' texts. */
function numbersCanonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(numbersCanonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Wire).map(([tag, inner]) => [
      tag,
      tag === 'N' ? String(Number(inner)) : tag === 'NS' ? (inner as string[]).map((n) => String(Number(n))) : numbersCanonical(inner),
    ]),
  );
}

describeEachBackend(
  'exports to S3',
  (target) => {
    test('a full export holds exactly the table items, in the documented layout, manifests and checksums agreeing', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'exfull');
      const items = Array.from({ length: 30 }, (_, i) => richItem(i));
      const TableArn = await enablePitr(ddb, TableName);
      for (const item of items) await ddb.send(new PutItemCommand({ TableName, Item: sdkItem(item) }));
      const started = await startExport(ddb, { TableArn, S3Prefix: 'exports/run1', ClientToken: 'tok-full' });
      assert.equal(started.ExportType, 'FULL_EXPORT');
      assert.equal(started.ExportFormat, 'DYNAMODB_JSON');
      assert.equal(started.ClientToken, 'tok-full');
      assert.equal(started.S3Prefix, 'exports/run1');
      assert.match(started.ExportArn!, new RegExp(`^${TableArn}/export/\\d{14}-[0-9a-f]{8}$`));
      const done = await finished(ddb, started.ExportArn!);
      const { summary, lines, keys } = readBack(done);
      const exportId = started.ExportArn!.split('/').pop()!;
      const folder = `exports/run1/AWSDynamoDB/${exportId}/`;
      assert.equal(done.ExportManifest, `${folder}manifest-summary.json`);
      assert.ok(existsSync(join(s3Dir, BUCKET, ...`${folder}_started`.split('/'))));
      for (const key of keys) assert.match(key, new RegExp(`^${folder}data/[^/]+\\.json\\.gz$`));
      assert.deepEqual(
        lines.map((line) => canonical(JSON.parse(line))).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
        items.map((item) => canonical({ Item: item })).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
      );
      assert.equal(summary.exportArn, started.ExportArn);
      assert.equal(summary.tableArn, TableArn);
      assert.equal(summary.s3Bucket, BUCKET);
      assert.equal(summary.s3Prefix, 'exports/run1');
      assert.equal(summary.outputFormat, 'DYNAMODB_JSON');
      assert.equal(summary.exportType, 'FULL_EXPORT');
      assert.equal(summary.manifestFilesS3Key, `${folder}manifest-files.json`);
      assert.equal(summary.version, '2020-06-30');
      assert.ok((summary.billedSizeBytes as number) > 0);
      assert.equal(done.BilledSizeBytes, summary.billedSizeBytes);
      // The same token and parameters: the same export; other parameters: DynamoDB's conflict.
      const again = await ddb.send(new ExportTableToPointInTimeCommand({ TableArn, S3Bucket: BUCKET, S3Prefix: 'exports/run1', ClientToken: 'tok-full' }));
      assert.equal(again.ExportDescription!.ExportArn, started.ExportArn);
      const conflict = await errorOf(() => ddb.send(new ExportTableToPointInTimeCommand({ TableArn, S3Bucket: BUCKET, S3Prefix: 'other', ClientToken: 'tok-full' })));
      assert.equal(conflict.name, 'ExportConflictException');
      assert.match(conflict.message, /^Duplicate request detected/);
    });

    test('an export at a time between two writes holds the first state only', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'exat');
      const TableArn = await enablePitr(ddb, TableName);
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'gone' }, v: { N: '1' } } }));
      await pause(30);
      const at = new Date();
      await pause(30);
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, v: { N: '2' } } }));
      await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'later' }, v: { N: '1' } } }));
      await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'gone' } } }));
      const started = await startExport(ddb, { TableArn, ExportTime: at });
      assert.equal(started.ExportTime!.getTime(), at.getTime());
      const { lines } = readBack(await finished(ddb, started.ExportArn!));
      assert.deepEqual(lines.map((line) => JSON.parse(line)).sort((a, b) => (a.Item.pk.S < b.Item.pk.S ? -1 : 1)), [
        { Item: { pk: { S: 'a' }, v: { N: '1' } } },
        { Item: { pk: { S: 'gone' }, v: { N: '1' } } },
      ]);
    });

    test('ION output: the version marker and DynamoDB types as Ion, read back to the same items', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'union');
      const items = Array.from({ length: 5 }, (_, i) => richItem(i));
      const TableArn = await enablePitr(ddb, TableName);
      for (const item of items) await ddb.send(new PutItemCommand({ TableName, Item: sdkItem(item) }));
      const started = await startExport(ddb, { TableArn, ExportFormat: 'ION' });
      assert.equal(started.ExportFormat, 'ION');
      const { summary, lines, keys } = readBack(await finished(ddb, started.ExportArn!));
      assert.equal(summary.outputFormat, 'ION');
      for (const key of keys) assert.match(key, /\.ion\.gz$/);
      assert.ok(lines.every((line) => line.startsWith('$ion_1_0 {')));
      // 600 as 6d2, 601 as 601., 2000 as 2d3 and 1.5 as 15d-1, as the Developer Guide's example writes Ion decimals.
      assert.ok(lines.some((line) => line.includes("'n':601.,")));
      assert.ok(lines.some((line) => line.includes("'n':6d2,'f':-25d-2,") && /\$dynamodb_NS::\[[^\]]*15d-1/.test(line) && /\$dynamodb_NS::\[[^\]]*2d3/.test(line)), lines[0]);
      const read = lines.map((line) => numbersCanonical(canonical(readIonLine(line))));
      const expected = items.map((item) => numbersCanonical(canonical({ Item: item })));
      const order = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
      assert.deepEqual(read.sort(order), expected.sort(order));
    });

    test('an incremental export lists each item changed in its period once, with both view types', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'exinc');
      const TableArn = await enablePitr(ddb, TableName);
      const item = (pk: string, v: number) => ({ pk: { S: pk }, v: { N: String(v) } });
      await ddb.send(new PutItemCommand({ TableName, Item: item('w', 0) }));
      await ddb.send(new PutItemCommand({ TableName, Item: item('y', 0) }));
      await ddb.send(new PutItemCommand({ TableName, Item: item('untouched', 0) }));
      await pause(30);
      const from = new Date();
      await pause(30);
      await ddb.send(new PutItemCommand({ TableName, Item: item('x', 1) }));
      await ddb.send(new PutItemCommand({ TableName, Item: item('y', 2) }));
      await ddb.send(new PutItemCommand({ TableName, Item: item('y', 3) }));
      await ddb.send(new PutItemCommand({ TableName, Item: item('z', 1) }));
      await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'z' } } }));
      await ddb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'w' } } }));
      await pause(30);
      const to = new Date();
      await pause(30);
      await ddb.send(new PutItemCommand({ TableName, Item: item('x', 99) }));
      const lineOf = (lines: string[]) =>
        lines
          .map((line) => JSON.parse(line) as Wire)
          .map((line) => {
            const micros = Number(((line.Metadata as Wire).WriteTimestampMicros as Wire).N);
            assert.ok(micros >= from.getTime() * 1000 && micros < to.getTime() * 1000, `${micros} in the period`);
            const { Metadata: _, ...rest } = line;
            return rest;
          })
          .sort((a, b) => (JSON.stringify(a.Keys) < JSON.stringify(b.Keys) ? -1 : 1));
      const both = await startExport(ddb, { TableArn, ExportType: 'INCREMENTAL_EXPORT', IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: to } });
      assert.equal(both.IncrementalExportSpecification!.ExportViewType, 'NEW_AND_OLD_IMAGES');
      const done = await finished(ddb, both.ExportArn!);
      const { lines, summary, keys } = readBack(done);
      assert.equal(summary.exportType, 'INCREMENTAL_EXPORT');
      for (const key of keys) assert.match(key, /^AWSDynamoDB\/data\/[^/]+\.json\.gz$/);
      assert.deepEqual(lineOf(lines), [
        { Keys: { pk: { S: 'w' } }, OldImage: item('w', 0) },
        { Keys: { pk: { S: 'x' } }, NewImage: item('x', 1) },
        { Keys: { pk: { S: 'y' } }, NewImage: item('y', 3), OldImage: item('y', 0) },
      ]);
      const newOnly = await startExport(ddb, {
        TableArn,
        ExportType: 'INCREMENTAL_EXPORT',
        IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: to, ExportViewType: 'NEW_IMAGE' },
      });
      assert.deepEqual(lineOf(readBack(await finished(ddb, newOnly.ExportArn!)).lines), [
        { Keys: { pk: { S: 'w' } } },
        { Keys: { pk: { S: 'x' } }, NewImage: item('x', 1) },
        { Keys: { pk: { S: 'y' } }, NewImage: item('y', 3) },
      ]);
    });

    test("DynamoDB's errors: a missing table, PITR off, times outside the window, a short period, bad ARNs", async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'exerr');
      const TableArn = await tableArnOf(ddb, TableName);
      const missingArn = `${TableArn}_missing`;
      const missing = await errorOf(() => ddb.send(new ExportTableToPointInTimeCommand({ TableArn: missingArn, S3Bucket: BUCKET })));
      assert.equal(missing.name, 'TableNotFoundException');
      assert.equal(missing.message, `Table not found: ${missingArn}`);
      const off = await errorOf(() => ddb.send(new ExportTableToPointInTimeCommand({ TableArn, S3Bucket: BUCKET })));
      assert.equal(off.name, 'PointInTimeRecoveryUnavailableException');
      assert.equal(off.message, `Point in time recovery is not enabled for table '${TableName}'`);
      const enabledBefore = Date.now() - 1000;
      await enablePitr(ddb, TableName);
      for (const ExportTime of [new Date(enabledBefore), new Date(Date.now() + 60_000)]) {
        const invalid = await errorOf(() => ddb.send(new ExportTableToPointInTimeCommand({ TableArn, S3Bucket: BUCKET, ExportTime })));
        assert.equal(invalid.name, 'InvalidExportTimeException');
        assert.equal(invalid.message, 'Export Time is invalid');
      }
      await pause(50);
      const now = Date.now();
      const short = await errorOf(() =>
        ddb.send(
          new ExportTableToPointInTimeCommand({
            TableArn,
            S3Bucket: BUCKET,
            ExportType: 'INCREMENTAL_EXPORT',
            IncrementalExportSpecification: { ExportFromTime: new Date(now - 5), ExportToTime: new Date(now) },
          }),
        ),
      );
      assert.equal(short.name, 'InvalidExportTimeException');
      assert.match(short.message, /^Difference between export period/);
      const format = await errorOf(() => ddb.send(new ExportTableToPointInTimeCommand({ TableArn, S3Bucket: BUCKET, ExportFormat: 'CSV' as 'ION' })));
      assert.equal(format.name, 'ValidationException');
      assert.match(format.message, /Value 'CSV' at 'exportFormat' failed to satisfy constraint: Member must satisfy enum value set: \[ION, DYNAMODB_JSON\]/);
      const notExport = await errorOf(() => ddb.send(new DescribeExportCommand({ ExportArn: `${TableArn}/backup/01234567890123-abcdef01` })));
      assert.equal(notExport.name, 'ValidationException');
      assert.equal(notExport.message, 'Invalid Export ARN');
      const unknown = await errorOf(() => ddb.send(new DescribeExportCommand({ ExportArn: `${TableArn}/export/01234567890123-abcdef01` })));
      assert.equal(unknown.name, 'ExportNotFoundException');
    });

    test('a missing bucket ends the export FAILED as DynamoDB does; ListExports pages through a table’s exports', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'exlist');
      const TableArn = await enablePitr(ddb, TableName);
      const arns: string[] = [];
      for (let i = 0; i < 4; i++) arns.push((await startExport(ddb, { TableArn, S3Bucket: 'no-such-bucket', S3Prefix: `p${i}` })).ExportArn!);
      for (const arn of arns) {
        const failed = await finished(ddb, arn);
        assert.equal(failed.ExportStatus, 'FAILED');
        assert.equal(failed.FailureCode, 'S3NoSuchBucket');
        assert.match(failed.FailureMessage!, /The specified bucket does not exist/);
      }
      const listed: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await ddb.send(new ListExportsCommand({ TableArn, MaxResults: 1, NextToken }));
        assert.ok(page.ExportSummaries!.length <= 1);
        for (const summary of page.ExportSummaries!) {
          assert.deepEqual(summary, { ExportArn: summary.ExportArn, ExportStatus: 'FAILED', ExportType: 'FULL_EXPORT' });
          listed.push(summary.ExportArn!);
        }
        NextToken = page.NextToken;
      } while (NextToken !== undefined);
      assert.deepEqual(listed, [...arns].sort());
      const all = await ddb.send(new ListExportsCommand({}));
      assert.ok(all.ExportSummaries!.length <= 25);
      const tooMany = await errorOf(() => ddb.send(new ListExportsCommand({ MaxResults: 26 })));
      assert.equal(tooMany.name, 'ValidationException');
      // Found by the payload fuzzer: a token too long to be a storage key answered 500.
      for (const NextToken of ['x'.repeat(70_000), 'arn:aws:dynamodb:eu-west-1:000000000000:table/t/export/1']) {
        const bad = await errorOf(() => ddb.send(new ListExportsCommand({ NextToken })));
        assert.deepEqual([bad.name, bad.message], ['ValidationException', 'Invalid NextToken']);
      }
    });
  },
  { config: { s3Dir, pitrLagMs: 0, exportMinPeriodMs: 20 } },
);

describe('exports across a crash (LMDB)', () => {
  test('an export cut short by SIGKILL ends COMPLETED with every item after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-exports-'));
    const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'silent', '--s3-dir', s3Dir, '--pitr-lag-ms', '0'];
    try {
      const COUNT = 4000;
      let server = await startChild(args);
      let ddb = clientFor(server.endpoint);
      const TableName = await createTable(ddb, 'excrash');
      await putMany(ddb, TableName, COUNT, (i) => ({ pk: { S: `k${i}` }, pad: { S: 'z'.repeat(200) } }));
      const TableArn = await enablePitr(ddb, TableName);
      const started = await startExport(ddb, { TableArn, S3Prefix: 'crash' });
      const before = await ddb.send(new DescribeExportCommand({ ExportArn: started.ExportArn }));
      assert.equal(before.ExportDescription!.ExportStatus, 'IN_PROGRESS', 'the kill comes before the export ended');
      ddb.destroy();
      server = await killAndRestart(server, args);
      ddb = clientFor(server.endpoint);
      const done = await finished(ddb, started.ExportArn!);
      const { lines } = readBack(done);
      assert.equal(lines.length, COUNT);
      assert.equal(new Set(lines.map((line) => (JSON.parse(line) as { Item: { pk: { S: string } } }).Item.pk.S)).size, COUNT);
      server.process.kill('SIGTERM');
      await server.exited();
      ddb.destroy();
      // The store check knows the export records.
      const checked = await runChild(['check', '--data-dir', dataDir]);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      assert.doesNotMatch(checked.stdout, /unknown kind|export (marker|record)/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
