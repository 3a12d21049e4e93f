/**
 * `dynalith export`: exports a table to an S3 bucket
 * (ExportTableToPointInTime: a full export of one moment, or an incremental
 * one of the changes between two) and waits until DescribeExport says
 * COMPLETED, printing the export's ARN and manifest; FAILED ends with its
 * FailureCode and FailureMessage. Member names per DynamoDB's API reference.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../usage-error.js';
import { ApiError, type ApiSettings } from '../protocol/json-api-client.js';
import {
  BUCKET_OPTIONS,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  connectionSettings,
  epochSeconds,
  exactlyOnePositional,
  oneOf,
  parseCommandLine,
  pollUntil,
  type OperatorCommand,
  type Terminal,
} from './command.js';

const FORMATS = ['DYNAMODB_JSON', 'ION'] as const;
const VIEWS = ['NEW_IMAGE', 'NEW_AND_OLD_IMAGES'] as const;

export interface ExportPlan {
  readonly connection: ApiSettings;
  readonly table: string;
  readonly bucket: string;
  readonly prefix?: string;
  readonly format: (typeof FORMATS)[number];
  /** A full export (at `time`, or now) or the changes between two moments. */
  readonly kind: { readonly type: 'full'; readonly time?: number } | { readonly type: 'incremental'; readonly from: number; readonly to: number; readonly view: (typeof VIEWS)[number] };
}

const HELP = `Usage: dynalith export <table> --bucket <bucket> [--prefix <prefix>] [--format DYNAMODB_JSON|ION]
                        [--time <time> | --from <time> --to <time> [--view NEW_IMAGE|NEW_AND_OLD_IMAGES]]

Exports a table with point-in-time recovery on to an S3 bucket of the server
(a folder under its --s3-dir, or its --s3-endpoint's bucket) and waits until
the export is COMPLETED; prints the export's ARN and its manifest's key.

  --bucket <bucket>             the bucket to write to
  --prefix <prefix>             the key prefix of what is written
  --format <format>             DYNAMODB_JSON (default) or ION
  --time <time>                 a full export of the table as it was then (default: now);
                                ISO-8601 (2024-05-01T12:00:00Z) or seconds since 1970
  --from <time> --to <time>     an incremental export: the changes between the two moments
  --view <view>                 what an incremental export holds of each changed item:
                                NEW_AND_OLD_IMAGES (default) or NEW_IMAGE

${CONNECTION_HELP}`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...BUCKET_OPTIONS,
  time: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  view: { type: 'string' },
} as const;

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): ExportPlan | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return 'help';
  const connection = connectionSettings(values, env);
  const table = exactlyOnePositional(positionals, 'table to export');
  if (values.bucket === undefined) throw new UsageError('name the bucket with --bucket');
  const incremental = values.from !== undefined || values.to !== undefined;
  if (incremental && values.time !== undefined) throw new UsageError('--time (a full export) and --from/--to (an incremental one) exclude each other');
  if (incremental && (values.from === undefined || values.to === undefined)) throw new UsageError('an incremental export needs both --from and --to');
  if (!incremental && values.view !== undefined) throw new UsageError('--view goes with --from and --to');
  const kind: ExportPlan['kind'] = incremental
    ? { type: 'incremental', from: epochSeconds('from', values.from!), to: epochSeconds('to', values.to!), view: values.view === undefined ? 'NEW_AND_OLD_IMAGES' : oneOf('view', values.view, VIEWS) }
    : { type: 'full', ...(values.time === undefined ? {} : { time: epochSeconds('time', values.time) }) };
  return {
    connection,
    table,
    bucket: values.bucket,
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    format: values.format === undefined ? 'DYNAMODB_JSON' : oneOf('format', values.format, FORMATS),
    kind,
  };
}

/** ExportTableToPointInTime's input for `plan` and the table's ARN; `clientToken` makes a resent request start one export, as the SDKs' generated token does. */
export function exportRequest(plan: ExportPlan, tableArn: string, clientToken: string): Record<string, unknown> {
  const { kind } = plan;
  return {
    ClientToken: clientToken,
    TableArn: tableArn,
    S3Bucket: plan.bucket,
    ...(plan.prefix === undefined ? {} : { S3Prefix: plan.prefix }),
    ExportFormat: plan.format,
    ...(kind.type === 'full'
      ? { ExportType: 'FULL_EXPORT', ...(kind.time === undefined ? {} : { ExportTime: kind.time }) }
      : { ExportType: 'INCREMENTAL_EXPORT', IncrementalExportSpecification: { ExportFromTime: kind.from, ExportToTime: kind.to, ExportViewType: kind.view } }),
  };
}

interface ExportDescription {
  readonly ExportArn: string;
  readonly ExportStatus: string;
  readonly ItemCount?: number;
  readonly ExportManifest?: string;
  readonly FailureCode?: string;
  readonly FailureMessage?: string;
}

async function execute(plan: ExportPlan, { api, progress, print }: Terminal): Promise<void> {
  const { Table } = await api.call<{ Table: { TableArn: string; ItemCount?: number } }>('DescribeTable', { TableName: plan.table });
  const { ExportDescription: started } = await api.call<{ ExportDescription: ExportDescription }>('ExportTableToPointInTime', exportRequest(plan, Table.TableArn, randomUUID()));
  const bar = progress(`export of ${plan.table}`);
  // A full export's item count is about the table's; an incremental one's is not known beforehand.
  const total = plan.kind.type === 'full' ? Table.ItemCount : undefined;
  const { ExportDescription: done } = await pollUntil(
    () => api.call<{ ExportDescription: ExportDescription }>('DescribeExport', { ExportArn: started.ExportArn }),
    ({ ExportDescription }) => ExportDescription.ExportStatus !== 'IN_PROGRESS',
    ({ ExportDescription }) => bar.update(ExportDescription.ExportStatus, ExportDescription.ItemCount, ExportDescription.ExportStatus === 'COMPLETED' ? ExportDescription.ItemCount : total),
  );
  bar.finish();
  if (done.ExportStatus !== 'COMPLETED') throw new ApiError(done.FailureCode ?? done.ExportStatus, done.FailureMessage ?? `the export ${done.ExportArn} ended ${done.ExportStatus}`);
  print(done.ExportArn);
  if (done.ExportManifest !== undefined) print(`manifest: ${done.ExportManifest}`);
}

export const exportCommand: OperatorCommand<ExportPlan> = { name: 'export', help: HELP, parse, execute };
