/**
 * `dynalith restore`: a new table from an on-demand backup
 * (RestoreTableFromBackup) or from a table's point-in-time recovery
 * (RestoreTableToPointInTime), then waits until the table is ACTIVE,
 * showing its item count (against the backup's, for a backup).
 */
import { UsageError } from '../usage-error.js';
import type { ApiSettings } from '../protocol/json-api-client.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionSettings, epochSeconds, parseCommandLine, pollUntil, type OperatorCommand, type Terminal } from './command.js';

export type RestorePlan = { readonly connection: ApiSettings; readonly to: string } & (
  | { readonly from: 'backup'; readonly backupArn: string }
  | { readonly from: 'table'; readonly table: string; readonly time: number | 'latest' }
);

const HELP = `Usage: dynalith restore --backup <backup ARN> --to <table>
       dynalith restore --from <table> --to <table> [--time <time> | --latest]

Restores a backup, or a table with point-in-time recovery as it was at a
moment, into a new table of a running server, and waits until it is ACTIVE.

  --backup <ARN>                the on-demand backup to restore (see dynalith backup --list)
  --from <table>                the table whose point-in-time recovery to restore from
  --to <table>                  the new table
  --time <time>                 the moment: ISO-8601 (2024-05-01T12:00:00Z) or seconds since 1970
  --latest                      the latest restorable moment (the default)

${CONNECTION_HELP}`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  backup: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  time: { type: 'string' },
  latest: { type: 'boolean' },
} as const;

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): RestorePlan | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return 'help';
  const connection = connectionSettings(values, env);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.to === undefined) throw new UsageError('name the new table with --to');
  if ((values.backup === undefined) === (values.from === undefined)) throw new UsageError('give either --backup <ARN> or --from <table>');
  if (values.backup !== undefined) {
    if (values.time !== undefined || values.latest) throw new UsageError('--time and --latest go with --from');
    return { connection, to: values.to, from: 'backup', backupArn: values.backup };
  }
  if (values.time !== undefined && values.latest) throw new UsageError('--time and --latest exclude each other');
  return { connection, to: values.to, from: 'table', table: values.from!, time: values.time === undefined ? 'latest' : epochSeconds('time', values.time) };
}

/** The API call that starts `plan`: its name and input. */
export function restoreRequest(plan: RestorePlan): { readonly operation: string; readonly input: Record<string, unknown> } {
  if (plan.from === 'backup') return { operation: 'RestoreTableFromBackup', input: { TargetTableName: plan.to, BackupArn: plan.backupArn } };
  return {
    operation: 'RestoreTableToPointInTime',
    input: {
      SourceTableName: plan.table,
      TargetTableName: plan.to,
      ...(plan.time === 'latest' ? { UseLatestRestorableTime: true } : { RestoreDateTime: plan.time }),
    },
  };
}

interface TableDescription {
  readonly TableStatus: string;
  readonly ItemCount?: number;
  readonly TableArn: string;
}

/** How many items the restored table will have: the backup's count; unknown for a moment of point-in-time recovery. */
async function expectedItems(plan: RestorePlan, { api }: Terminal): Promise<number | undefined> {
  if (plan.from === 'table') return undefined;
  const { BackupDescription } = await api.call<{ BackupDescription: { SourceTableDetails: { ItemCount?: number } } }>('DescribeBackup', { BackupArn: plan.backupArn });
  return BackupDescription.SourceTableDetails.ItemCount;
}

async function execute(plan: RestorePlan, terminal: Terminal): Promise<void> {
  const { api, progress, print } = terminal;
  const total = await expectedItems(plan, terminal);
  const { operation, input } = restoreRequest(plan);
  await api.call(operation, input);
  const bar = progress(`restore into ${plan.to}`);
  const { Table } = await pollUntil(
    () => api.call<{ Table: TableDescription }>('DescribeTable', { TableName: plan.to }),
    ({ Table }) => Table.TableStatus === 'ACTIVE',
    ({ Table }) => bar.update(Table.TableStatus, Table.ItemCount ?? 0, total),
  );
  bar.finish();
  print(Table.TableArn);
}

export const restoreCommand: OperatorCommand<RestorePlan> = { name: 'restore', help: HELP, parse, execute };
