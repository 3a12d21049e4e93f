/**
 * `dynalith backup`: takes an on-demand backup (CreateBackup) and waits until
 * it is AVAILABLE (DescribeBackup), printing its ARN; lists backups
 * (ListBackups, every page) or deletes one (DeleteBackup).
 */
import { UsageError } from '../usage-error.js';
import { ApiError, type ApiSettings } from '../protocol/json-api-client.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, exactlyOnePositional, connectionSettings, parseCommandLine, pollUntil, type OperatorCommand, type Terminal } from './command.js';

export type BackupPlan =
  | { readonly action: 'create'; readonly connection: ApiSettings; readonly table: string; readonly name: string }
  | { readonly action: 'list'; readonly connection: ApiSettings; readonly table?: string }
  | { readonly action: 'delete'; readonly connection: ApiSettings; readonly arn: string };

const HELP = `Usage: dynalith backup <table> [--name <backup name>]
       dynalith backup --list [--table <table>]
       dynalith backup --delete <backup ARN>

Takes an on-demand backup of a table of a running server and waits until it
is AVAILABLE, then prints its ARN (restore it with dynalith restore --backup).
--list prints the backups (ARN, name, table, status, creation time), tab-separated;
--delete deletes one.

  --name <name>                 the backup's name (default: <table>-<UTC time>)

${CONNECTION_HELP}`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  name: { type: 'string' },
  list: { type: 'boolean' },
  table: { type: 'string' },
  delete: { type: 'string' },
} as const;

/** BackupName's pattern and length (the API reference: 3 to 255 of [a-zA-Z0-9_.-]). */
const BACKUP_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

export function defaultBackupName(table: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${table.slice(0, 255 - stamp.length - 1)}-${stamp}`;
}

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): BackupPlan | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return 'help';
  const connection = connectionSettings(values, env);
  if (values.list) {
    if (positionals.length > 0 || values.delete !== undefined || values.name !== undefined) throw new UsageError('--list takes only --table');
    return { action: 'list', connection, ...(values.table === undefined ? {} : { table: values.table }) };
  }
  if (values.table !== undefined) throw new UsageError('--table goes with --list; name the table to back up as an argument');
  if (values.delete !== undefined) {
    if (positionals.length > 0 || values.name !== undefined) throw new UsageError('--delete takes only the backup ARN');
    return { action: 'delete', connection, arn: values.delete };
  }
  const table = exactlyOnePositional(positionals, 'table to back up');
  const name = values.name ?? defaultBackupName(table, new Date());
  if (!BACKUP_NAME.test(name)) throw new UsageError(`--name must be 3 to 255 letters, digits, '_', '-' or '.', got '${name}'`);
  return { action: 'create', connection, table, name };
}

interface BackupDetails {
  readonly BackupArn: string;
  readonly BackupName: string;
  readonly BackupStatus: string;
  readonly BackupSizeBytes?: number;
  readonly BackupCreationDateTime: number;
}

interface BackupSummary extends BackupDetails {
  readonly TableName: string;
}

interface DescribeBackupOutput {
  readonly BackupDescription: { readonly BackupDetails: BackupDetails; readonly SourceTableDetails: { readonly ItemCount?: number } };
}

async function create(plan: Extract<BackupPlan, { action: 'create' }>, { api, progress, print }: Terminal): Promise<void> {
  const { BackupDetails: created } = await api.call<{ BackupDetails: BackupDetails }>('CreateBackup', { TableName: plan.table, BackupName: plan.name });
  const bar = progress(`backup ${plan.name} of ${plan.table}`);
  const done = await pollUntil(
    () => api.call<DescribeBackupOutput>('DescribeBackup', { BackupArn: created.BackupArn }),
    ({ BackupDescription: { BackupDetails } }) => BackupDetails.BackupStatus !== 'CREATING',
    ({ BackupDescription: { BackupDetails, SourceTableDetails } }) =>
      bar.update(BackupDetails.BackupStatus, BackupDetails.BackupStatus === 'AVAILABLE' ? SourceTableDetails.ItemCount : undefined),
  );
  bar.finish();
  const status = done.BackupDescription.BackupDetails.BackupStatus;
  if (status !== 'AVAILABLE') throw new ApiError('BackupNotAvailable', `the backup ${created.BackupArn} ended ${status}`);
  print(created.BackupArn);
}

async function list(plan: Extract<BackupPlan, { action: 'list' }>, { api, print }: Terminal): Promise<void> {
  let start: string | undefined;
  do {
    const page = await api.call<{ BackupSummaries?: BackupSummary[]; LastEvaluatedBackupArn?: string }>('ListBackups', {
      ...(plan.table === undefined ? {} : { TableName: plan.table }),
      ...(start === undefined ? {} : { ExclusiveStartBackupArn: start }),
    });
    for (const backup of page.BackupSummaries ?? []) {
      print([backup.BackupArn, backup.BackupName, backup.TableName, backup.BackupStatus, new Date(backup.BackupCreationDateTime * 1000).toISOString()].join('\t'));
    }
    start = page.LastEvaluatedBackupArn;
  } while (start !== undefined);
}

async function remove(plan: Extract<BackupPlan, { action: 'delete' }>, { api, print }: Terminal): Promise<void> {
  await api.call('DeleteBackup', { BackupArn: plan.arn });
  print(`deleted ${plan.arn}`);
}

export const backupCommand: OperatorCommand<BackupPlan> = {
  name: 'backup',
  help: HELP,
  parse,
  execute: (plan, terminal) => (plan.action === 'create' ? create(plan, terminal) : plan.action === 'list' ? list(plan, terminal) : remove(plan, terminal)),
};
