/**
 * `dynalith import`: a new table from objects of an S3 bucket (ImportTable,
 * on-demand capacity) and waits until DescribeImport says COMPLETED,
 * showing how many items were processed; FAILED or CANCELLED ends with its
 * FailureCode and FailureMessage. Member names per DynamoDB's API reference.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../usage-error.js';
import { ApiError, type ApiSettings } from '../protocol/json-api-client.js';
import { BUCKET_OPTIONS, CONNECTION_HELP, CONNECTION_OPTIONS, connectionSettings, oneOf, parseCommandLine, pollUntil, type OperatorCommand, type Terminal } from './command.js';

const FORMATS = ['CSV', 'DYNAMODB_JSON', 'ION'] as const;
const COMPRESSIONS = ['NONE', 'GZIP', 'ZSTD'] as const;
const KEY_TYPES = ['S', 'N', 'B'] as const;

export interface KeyAttribute {
  readonly name: string;
  readonly type: (typeof KEY_TYPES)[number];
}

export interface ImportPlan {
  readonly connection: ApiSettings;
  readonly bucket: string;
  readonly prefix?: string;
  readonly format: (typeof FORMATS)[number];
  readonly compression: (typeof COMPRESSIONS)[number];
  readonly table: string;
  /** The partition key, then the sort key if there is one. */
  readonly key: readonly KeyAttribute[];
  readonly csv?: { readonly delimiter?: string; readonly header?: readonly string[] };
}

const HELP = `Usage: dynalith import --bucket <bucket> [--prefix <prefix>] --format CSV|DYNAMODB_JSON|ION
                        [--compression NONE|GZIP|ZSTD] --table <table> --key <pk>:<type>[,<sk>:<type>]
                        [--csv-delimiter <char>] [--csv-header <a,b,c>]

Creates a table (on-demand capacity) from the objects of an S3 bucket of the
server (a folder under its --s3-dir, or its --s3-endpoint's bucket) and waits
until the import is COMPLETED; prints the import's ARN and its counts.

  --bucket <bucket>             the bucket to read
  --prefix <prefix>             only the objects whose keys start with it
  --format <format>             CSV, DYNAMODB_JSON or ION
  --compression <compression>   NONE (default), GZIP or ZSTD
  --table <table>               the new table
  --key <pk>:<type>[,<sk>:<type>]
                                its key: the partition key and an optional sort key, each
                                with its type S, N or B (e.g. --key user:S,time:N)
  --csv-delimiter <char>        CSV: the field separator (default ,)
  --csv-header <a,b,c>          CSV: the column names, when the objects have no header line

${CONNECTION_HELP}`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...BUCKET_OPTIONS,
  compression: { type: 'string' },
  table: { type: 'string' },
  key: { type: 'string' },
  'csv-delimiter': { type: 'string' },
  'csv-header': { type: 'string' },
} as const;

export function parseKey(text: string): KeyAttribute[] {
  const parts = text.split(',');
  if (parts.length > 2) throw new UsageError(`--key names a partition key and at most a sort key, got '${text}'`);
  const key = parts.map((part) => {
    const match = /^(.+):([^:]+)$/.exec(part.trim());
    if (match === null) throw new UsageError(`--key must be <name>:<type>[,<name>:<type>], got '${text}'`);
    return { name: match[1]!, type: oneOf('key', match[2]!, KEY_TYPES) };
  });
  if (key.length === 2 && key[0]!.name === key[1]!.name) throw new UsageError(`--key names ${key[0]!.name} twice`);
  return key;
}

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): ImportPlan | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return 'help';
  const connection = connectionSettings(values, env);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const flag of ['bucket', 'format', 'table', 'key'] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  }
  const format = oneOf('format', values.format!, FORMATS);
  const delimiter = values['csv-delimiter'];
  const header = values['csv-header'];
  if (format !== 'CSV' && (delimiter !== undefined || header !== undefined)) throw new UsageError('--csv-delimiter and --csv-header go with --format CSV');
  if (delimiter !== undefined && [...delimiter].length !== 1) throw new UsageError(`--csv-delimiter must be one character, got '${delimiter}'`);
  const headerList = header?.split(',');
  if (headerList !== undefined && headerList.some((name) => name === '')) throw new UsageError(`--csv-header must be column names separated by commas, got '${header}'`);
  const csv = { ...(delimiter === undefined ? {} : { delimiter }), ...(headerList === undefined ? {} : { header: headerList }) };
  return {
    connection,
    bucket: values.bucket!,
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    format,
    compression: values.compression === undefined ? 'NONE' : oneOf('compression', values.compression, COMPRESSIONS),
    table: values.table!,
    key: parseKey(values.key!),
    ...(Object.keys(csv).length === 0 ? {} : { csv }),
  };
}

/** ImportTable's input for `plan`; `clientToken` (required, which the SDKs fill in) makes a resent request start one import, not two. */
export function importRequest(plan: ImportPlan, clientToken: string): Record<string, unknown> {
  const csv = plan.csv;
  return {
    ClientToken: clientToken,
    S3BucketSource: { S3Bucket: plan.bucket, ...(plan.prefix === undefined ? {} : { S3KeyPrefix: plan.prefix }) },
    InputFormat: plan.format,
    InputCompressionType: plan.compression,
    ...(csv === undefined
      ? {}
      : { InputFormatOptions: { Csv: { ...(csv.delimiter === undefined ? {} : { Delimiter: csv.delimiter }), ...(csv.header === undefined ? {} : { HeaderList: csv.header }) } } }),
    TableCreationParameters: {
      TableName: plan.table,
      AttributeDefinitions: plan.key.map(({ name, type }) => ({ AttributeName: name, AttributeType: type })),
      KeySchema: plan.key.map(({ name }, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      BillingMode: 'PAY_PER_REQUEST',
    },
  };
}

interface ImportDescription {
  readonly ImportArn: string;
  readonly ImportStatus: string;
  readonly ProcessedItemCount?: number;
  readonly ImportedItemCount?: number;
  readonly ErrorCount?: number;
  readonly FailureCode?: string;
  readonly FailureMessage?: string;
}

async function execute(plan: ImportPlan, { api, progress, print }: Terminal): Promise<void> {
  const { ImportTableDescription: started } = await api.call<{ ImportTableDescription: ImportDescription }>('ImportTable', importRequest(plan, randomUUID()));
  const bar = progress(`import into ${plan.table}`);
  const { ImportTableDescription: done } = await pollUntil(
    () => api.call<{ ImportTableDescription: ImportDescription }>('DescribeImport', { ImportArn: started.ImportArn }),
    ({ ImportTableDescription }) => !['IN_PROGRESS', 'CANCELLING'].includes(ImportTableDescription.ImportStatus),
    ({ ImportTableDescription }) => bar.update(ImportTableDescription.ImportStatus, ImportTableDescription.ProcessedItemCount ?? 0),
  );
  bar.finish();
  if (done.ImportStatus !== 'COMPLETED') throw new ApiError(done.FailureCode ?? done.ImportStatus, done.FailureMessage ?? `the import ${done.ImportArn} ended ${done.ImportStatus}`);
  print(done.ImportArn);
  print(`imported ${done.ImportedItemCount ?? 0} items of ${done.ProcessedItemCount ?? 0} processed, ${done.ErrorCount ?? 0} errors`);
}

export const importCommand: OperatorCommand<ImportPlan> = { name: 'import', help: HELP, parse, execute };
