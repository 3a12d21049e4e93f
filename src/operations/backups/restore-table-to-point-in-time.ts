/**
 * RestoreTableToPointInTime: creates the target table from the source
 * table's definition and the overrides (restore-target.ts), CREATING with
 * RestoreInProgress, and leaves the items to the backups' background job:
 * the source's PITR base brought to the restore time with its logged changes
 * (features/pitr/point-in-time.ts, features/backups/restore-writer.ts).
 * The source may be a table deleted with PITR on, within its recovery
 * period (features/pitr/deleted-tables.ts).
 */
import { defineOperation, type OperationContext } from '../operation.js';
import { bool, double, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { tableArn, type TableRecord } from '../../engine/table.js';
import type { BackupRecord } from '../../features/backups/backup-store.js';
import { deletedTableWindow, latestDeletedTable } from '../../features/pitr/deleted-tables.js';
import { ensureBase, findBase } from '../../features/pitr/pitr-base.js';
import { recoveryWindow, type RecoveryWindow } from '../../features/pitr/recovery-window.js';
import { describe } from '../tables/table-description.js';
import { ownTableName } from './backup-access.js';
import { checkTargetFree, createRestoredTable, restoredDefinition, restoreOverrideMembers, type RestoreOverrides } from './restore-target.js';

interface RestoreTableToPointInTimeRequest extends RestoreOverrides {
  readonly SourceTableArn?: string;
  readonly SourceTableName?: string;
  readonly UseLatestRestorableTime?: boolean;
  /** Epoch seconds. */
  readonly RestoreDateTime?: number;
}

interface RestoreSource {
  readonly source: TableRecord;
  /** Undefined when PITR is off for the source. */
  readonly window?: RecoveryWindow;
  readonly base: () => Promise<BackupRecord>;
}

/**
 * The live table of the name, or else, when the request names an ARN, the
 * latest table of that name deleted with PITR on and still within its
 * recovery period (deleted-tables.ts). Only an ARN reaches a deleted table:
 * the API reference describes SourceTableArn as "The DynamoDB table that will
 * be restored" by its ARN, and no recorded DynamoDB answer to a deleted table
 * named by SourceTableName was found, so a name names the live table only.
 */
async function restoreSource({ namespace, services }: OperationContext, name: string | undefined, byArn: boolean): Promise<RestoreSource | undefined> {
  const nowMs = Date.now();
  const live = name === undefined ? undefined : services.catalog.get(namespace, name);
  if (live !== undefined) {
    const setting = live.pointInTimeRecovery;
    return {
      source: live,
      window: setting === undefined ? undefined : recoveryWindow(setting, nowMs, services.config.pitrLagMs),
      // A table whose PITR was switched on before bases existed gets one now: its log holds every change of the window to undo.
      base: () =>
        services.storage.write((tx) => {
          ensureBase(tx, live, Date.now());
          return findBase(tx, live)!;
        }),
    };
  }
  if (name === undefined || !byArn) return undefined;
  const found = await services.storage.read((tx) => {
    const deleted = latestDeletedTable(tx, { ...namespace, TableName: name }, nowMs);
    return deleted === undefined ? undefined : { deleted, base: findBase(tx, deleted.table) };
  });
  if (found === undefined) return undefined;
  const { deleted, base } = found;
  // Deleted before its base was copied, the table lost the base (the copy drops it): nothing to restore from.
  // A base still CREATING here is dropped by the copy, and the restore then fails in the background as for a live source.
  const window = base === undefined ? undefined : deletedTableWindow(deleted, nowMs, services.config.pitrLagMs);
  return { source: deleted.table, window, base: () => Promise.resolve(base!) };
}

export const restoreTableToPointInTime = defineOperation<RestoreTableToPointInTimeRequest>({
  name: 'RestoreTableToPointInTime',
  shape: struct('RestoreTableToPointInTimeInput', {
    ...restoreOverrideMembers,
    // Lengths and pattern from the API reference.
    SourceTableArn: str({ minLength: 1, maxLength: 1024 }),
    SourceTableName: str({ minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
    UseLatestRestorableTime: bool(),
    RestoreDateTime: double(),
  }),
  async execute(request, context) {
    const { namespace, services } = context;
    const named = request.SourceTableName ?? request.SourceTableArn;
    // No recorded answer of DynamoDB to a request naming both or neither was found: refused as invalid input.
    if ((request.SourceTableName === undefined) === (request.SourceTableArn === undefined)) {
      throw validation('One of SourceTableArn or SourceTableName must be specified, and not both');
    }
    const latest = request.UseLatestRestorableTime === true;
    if (latest === (request.RestoreDateTime !== undefined)) {
      throw validation('One of RestoreDateTime or UseLatestRestorableTime must be specified, and not both');
    }
    const name = ownTableName(namespace, named!);
    const found = await restoreSource(context, name, request.SourceTableArn !== undefined);
    // moto's SourceTableNotFoundException and text; the API reference lists it for a missing source table.
    if (found === undefined) throw new DynamoError('SourceTableNotFoundException', `Source table not found: ${named}`);
    const { source, window } = found;
    // Live DynamoDB's words, as recorded by moto's AWS-verified export tests and other emulators.
    if (window === undefined) {
      throw new DynamoError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${source.TableName}'`);
    }
    checkTargetFree(context, request.TargetTableName);
    const { earliestMs, latestMs } = window;
    const restoreAt = latest ? latestMs : request.RestoreDateTime! * 1000;
    if (!(restoreAt >= earliestMs && restoreAt <= latestMs)) {
      // The exception's documented description (API reference); no recorded live text was found.
      throw new DynamoError('InvalidRestoreTimeException', 'RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime.');
    }
    const definition = restoredDefinition(request, source, namespace);
    const summary = { SourceTableArn: tableArn(source), RestoreDateTime: restoreAt / 1000, RestoreInProgress: true };
    const base = await found.base();
    const table = await createRestoredTable(context, definition, summary, {
      BackupArn: base.BackupArn,
      backupNumber: base.number,
      pointInTime: { sourceTableId: source.id, restoreAt },
    });
    return { TableDescription: await describe(table, services) };
  },
});
