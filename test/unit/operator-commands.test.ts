/**
 * The operators' commands without a server: their command lines (defaults,
 * what excludes what, usage errors), the requests export and import send
 * (member names per DynamoDB's API reference), the connection settings, and
 * the progress output on a terminal and in a pipe.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backupCommand, defaultBackupName } from '../../src/operator/backup.js';
import { restoreCommand, restoreRequest, type RestorePlan } from '../../src/operator/restore.js';
import { exportCommand, exportRequest, type ExportPlan } from '../../src/operator/export.js';
import { importCommand, importRequest, parseKey, type ImportPlan } from '../../src/operator/import.js';
import { connectionSettings, epochSeconds } from '../../src/operator/command.js';
import { Progress } from '../../src/operator/progress.js';
import { UsageError } from '../../src/usage-error.js';

const ENV = {};

function usage(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof UsageError && message.test(error.message));
}

describe('operator commands: connection settings', () => {
  test('defaults: the local server, us-east-1 and a local credential pair', () => {
    const settings = connectionSettings({}, {});
    assert.equal(settings.endpoint, 'http://127.0.0.1:8000');
    assert.equal(settings.region, 'us-east-1');
    assert.equal(settings.credentials.accessKeyId, 'dynalith-local');
  });

  test('flags win over DYNALITH_* variables, which win over AWS_*', () => {
    const env = { DYNALITH_ENDPOINT: 'http://db:9000', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };
    assert.deepEqual(connectionSettings({}, env), {
      endpoint: 'http://db:9000',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    const flags = connectionSettings({ endpoint: 'https://other', region: 'ap-south-1', 'access-key-id': 'K', 'secret-access-key': 'S' }, env);
    assert.deepEqual(flags, { endpoint: 'https://other', region: 'ap-south-1', credentials: { accessKeyId: 'K', secretAccessKey: 'S' } });
  });

  test('bad endpoints, regions and half a credential pair are usage errors', () => {
    usage(() => connectionSettings({ endpoint: 'ftp://x' }, {}), /--endpoint must be an http/);
    usage(() => connectionSettings({ region: 'US East' }, {}), /--region/);
    usage(() => connectionSettings({ 'access-key-id': 'K' }, {}), /go together/);
  });

  test('times: ISO-8601 or epoch seconds', () => {
    assert.equal(epochSeconds('time', '1700000000'), 1_700_000_000);
    assert.equal(epochSeconds('time', '1700000000.5'), 1_700_000_000.5);
    assert.equal(epochSeconds('time', '2024-05-01T12:00:00Z'), Date.parse('2024-05-01T12:00:00Z') / 1000);
    usage(() => epochSeconds('time', 'yesterday'), /--time must be an ISO-8601 time/);
  });
});

describe('operator commands: backup and restore command lines', () => {
  test('backup <table> takes a default name of the table and the time', () => {
    const plan = backupCommand.parse(['orders'], ENV);
    assert.ok(plan !== 'help' && plan.action === 'create');
    assert.equal(plan.table, 'orders');
    assert.match(plan.name, /^orders-\d{8}T\d{6}Z$/);
    assert.equal(defaultBackupName('t'.repeat(255), new Date(0)).length, 255);
  });

  test('backup --list, --delete and their usage errors', () => {
    assert.deepEqual(
      { ...(backupCommand.parse(['--list', '--table', 'orders'], ENV) as object), connection: undefined },
      { action: 'list', table: 'orders', connection: undefined },
    );
    const deletion = backupCommand.parse(['--delete', 'arn:x'], ENV);
    assert.ok(deletion !== 'help' && deletion.action === 'delete' && deletion.arn === 'arn:x');
    usage(() => backupCommand.parse([], ENV), /name the table to back up/);
    usage(() => backupCommand.parse(['a', 'b'], ENV), /unexpected argument 'b'/);
    usage(() => backupCommand.parse(['orders', '--name', 'x'], ENV), /--name must be 3 to 255/);
    usage(() => backupCommand.parse(['--list', 'orders'], ENV), /--list takes only --table/);
    usage(() => backupCommand.parse(['orders', '--table', 'x'], ENV), /--table goes with --list/);
    usage(() => backupCommand.parse(['orders', '--bogus'], ENV), /Unknown option '--bogus'/);
    assert.equal(backupCommand.parse(['--help'], ENV), 'help');
  });

  test('restore: from a backup or from a table at a time, latest by default', () => {
    const fromBackup = restoreCommand.parse(['--backup', 'arn:b', '--to', 'copy'], ENV) as RestorePlan;
    assert.deepEqual(restoreRequest(fromBackup), { operation: 'RestoreTableFromBackup', input: { TargetTableName: 'copy', BackupArn: 'arn:b' } });
    const latest = restoreCommand.parse(['--from', 'orders', '--to', 'copy'], ENV) as RestorePlan;
    assert.deepEqual(restoreRequest(latest).input, { SourceTableName: 'orders', TargetTableName: 'copy', UseLatestRestorableTime: true });
    const atTime = restoreCommand.parse(['--from', 'orders', '--to', 'copy', '--time', '2024-05-01T00:00:00Z'], ENV) as RestorePlan;
    assert.deepEqual(restoreRequest(atTime), {
      operation: 'RestoreTableToPointInTime',
      input: { SourceTableName: 'orders', TargetTableName: 'copy', RestoreDateTime: 1_714_521_600 },
    });
    usage(() => restoreCommand.parse(['--backup', 'arn:b'], ENV), /--to/);
    usage(() => restoreCommand.parse(['--backup', 'arn:b', '--from', 'x', '--to', 'y'], ENV), /either --backup/);
    usage(() => restoreCommand.parse(['--backup', 'arn:b', '--to', 'y', '--latest'], ENV), /go with --from/);
    usage(() => restoreCommand.parse(['--from', 'x', '--to', 'y', '--latest', '--time', '1'], ENV), /exclude each other/);
  });
});

describe('operator commands: export', () => {
  const parse = (argv: string[]) => exportCommand.parse(argv, ENV) as ExportPlan;

  test('a full export now, in DynamoDB JSON by default', () => {
    assert.deepEqual(exportRequest(parse(['orders', '--bucket', 'b']), 'arn:t', 'token'), { ClientToken: 'token', TableArn: 'arn:t', S3Bucket: 'b', ExportFormat: 'DYNAMODB_JSON', ExportType: 'FULL_EXPORT' });
  });

  test('a full export of a moment, with a prefix, in ION', () => {
    assert.deepEqual(exportRequest(parse(['orders', '--bucket', 'b', '--prefix', 'p/', '--format', 'ion', '--time', '1700000000']), 'arn:t', 'token'), {
      ClientToken: 'token',
      TableArn: 'arn:t',
      S3Bucket: 'b',
      S3Prefix: 'p/',
      ExportFormat: 'ION',
      ExportType: 'FULL_EXPORT',
      ExportTime: 1_700_000_000,
    });
  });

  test('an incremental export: both ends and a view type, NEW_AND_OLD_IMAGES by default', () => {
    assert.deepEqual(exportRequest(parse(['orders', '--bucket', 'b', '--from', '1700000000', '--to', '1700003600']), 'arn:t', 'token'), {
      ClientToken: 'token',
      TableArn: 'arn:t',
      S3Bucket: 'b',
      ExportFormat: 'DYNAMODB_JSON',
      ExportType: 'INCREMENTAL_EXPORT',
      IncrementalExportSpecification: { ExportFromTime: 1_700_000_000, ExportToTime: 1_700_003_600, ExportViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const newImage = parse(['orders', '--bucket', 'b', '--from', '1', '--to', '2', '--view', 'NEW_IMAGE']);
    assert.equal((exportRequest(newImage, 'a', 'token').IncrementalExportSpecification as { ExportViewType: string }).ExportViewType, 'NEW_IMAGE');
  });

  test('usage errors', () => {
    usage(() => parse(['orders']), /--bucket/);
    usage(() => parse(['--bucket', 'b']), /name the table to export/);
    usage(() => parse(['orders', '--bucket', 'b', '--format', 'CSV']), /--format must be one of DYNAMODB_JSON, ION/);
    usage(() => parse(['orders', '--bucket', 'b', '--from', '1']), /needs both --from and --to/);
    usage(() => parse(['orders', '--bucket', 'b', '--from', '1', '--to', '2', '--time', '3']), /exclude each other/);
    usage(() => parse(['orders', '--bucket', 'b', '--view', 'NEW_IMAGE']), /--view goes with --from/);
    usage(() => parse(['orders', '--bucket', 'b', '--from', '1', '--to', '2', '--view', 'OLD_IMAGE']), /--view must be one of/);
  });
});

describe('operator commands: import', () => {
  const parse = (argv: string[]) => importCommand.parse(argv, ENV) as ImportPlan;

  test('a CSV import with a delimiter, a header and a composite key', () => {
    const plan = parse(['--bucket', 'b', '--prefix', 'in/', '--format', 'csv', '--compression', 'gzip', '--table', 'orders', '--key', 'user:S,time:N', '--csv-delimiter', ';', '--csv-header', 'user,time,total']);
    assert.deepEqual(importRequest(plan, 'token'), {
      ClientToken: 'token',
      S3BucketSource: { S3Bucket: 'b', S3KeyPrefix: 'in/' },
      InputFormat: 'CSV',
      InputCompressionType: 'GZIP',
      InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['user', 'time', 'total'] } },
      TableCreationParameters: {
        TableName: 'orders',
        AttributeDefinitions: [
          { AttributeName: 'user', AttributeType: 'S' },
          { AttributeName: 'time', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'user', KeyType: 'HASH' },
          { AttributeName: 'time', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      },
    });
  });

  test('DynamoDB JSON, uncompressed by default, a partition key only', () => {
    const request = importRequest(parse(['--bucket', 'b', '--format', 'DYNAMODB_JSON', '--table', 't', '--key', 'id:B']), 'token');
    assert.equal(request.InputCompressionType, 'NONE');
    assert.equal(request.InputFormatOptions, undefined);
    assert.deepEqual((request.TableCreationParameters as { KeySchema: unknown }).KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
  });

  test('keys: names may hold colons; types S, N or B; at most two', () => {
    assert.deepEqual(parseKey('a:b:S'), [{ name: 'a:b', type: 'S' }]);
    usage(() => parseKey('id'), /--key must be/);
    usage(() => parseKey('id:X'), /--key must be one of S, N, B/);
    usage(() => parseKey('a:S,b:S,c:S'), /at most a sort key/);
    usage(() => parseKey('a:S,a:N'), /names a twice/);
  });

  test('usage errors', () => {
    usage(() => parse(['--format', 'CSV', '--table', 't', '--key', 'id:S']), /--bucket is required/);
    usage(() => parse(['--bucket', 'b', '--format', 'XML', '--table', 't', '--key', 'id:S']), /--format must be one of CSV, DYNAMODB_JSON, ION/);
    usage(() => parse(['--bucket', 'b', '--format', 'ION', '--table', 't', '--key', 'id:S', '--csv-delimiter', ';']), /go with --format CSV/);
    usage(() => parse(['--bucket', 'b', '--format', 'CSV', '--table', 't', '--key', 'id:S', '--csv-delimiter', ';;']), /one character/);
    usage(() => parse(['--bucket', 'b', '--format', 'CSV', '--table', 't', '--key', 'id:S', '--compression', 'BZIP2']), /--compression must be one of/);
  });
});

describe('operator commands: progress', () => {
  function stream(isTTY: boolean): { isTTY: boolean; text: string; write(text: string): boolean } {
    return {
      isTTY,
      text: '',
      write(text: string) {
        this.text += text;
        return true;
      },
    };
  }

  test('in a pipe: one plain line per change, none repeated', () => {
    const out = stream(false);
    const progress = new Progress(out, 'restore into t');
    progress.update('CREATING', 0, 200);
    progress.update('CREATING', 0, 200);
    progress.update('CREATING', 50, 200);
    progress.update('ACTIVE', 200, 200);
    progress.finish();
    assert.equal(out.text, 'restore into t: CREATING 0/200 items 0%\nrestore into t: CREATING 50/200 items 25%\nrestore into t: ACTIVE 200/200 items 100%\n');
  });

  test('on a terminal: one line rewritten with \\r, a bar, the percentage and counts, ended by a newline', () => {
    const out = stream(true);
    const progress = new Progress(out, 'x');
    progress.update('IN_PROGRESS', 1_500, 3_000);
    progress.update('COMPLETED', 3_000, 3_000);
    progress.finish();
    const frames = out.text.split('\r').slice(1);
    assert.equal(frames.length, 2);
    assert.equal(frames[0], `x: [${'#'.repeat(15)}${'.'.repeat(15)}] 50% 1,500/3,000 items IN_PROGRESS`);
    assert.ok(frames[1]!.startsWith(`x: [${'#'.repeat(30)}] 100% 3,000/3,000 items COMPLETED`));
    assert.ok(out.text.endsWith('\n') && !out.text.slice(0, -1).includes('\n'));
  });

  test('without a total: the count alone, no percentage', () => {
    const out = stream(false);
    new Progress(out, 'import into t').update('IN_PROGRESS', 42);
    assert.equal(out.text, 'import into t: IN_PROGRESS 42 items\n');
  });
});
