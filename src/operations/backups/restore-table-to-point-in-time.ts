/**
 * RestoreTableToPointInTime: creates the target table from the source
 * table's definition and the overrides (restore-target.ts), CREATING with
 * RestoreInProgress, and leaves the items to the backups' background job:
 * the source's PITR base brought to the restore time with its logged changes
 * (features/pitr/point-in-time.ts, features/backups/restore-writer.ts).
 */
import { defineOperation } from '../operation.js';
import { bool, double, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { tableArn } from '../../engine/table.js';
import { ensureBase, findBase } from '../../features/pitr/pitr-base.js';
import { recoveryWindow } from '../../features/pitr/recovery-window.js';
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
    const source = name === undefined ? undefined : services.catalog.get(namespace, name);
    // moto's SourceTableNotFoundException and text; the API reference lists it for a missing source table.
    if (source === undefined) throw new DynamoError('SourceTableNotFoundException', `Source table not found: ${named}`);
    const setting = source.pointInTimeRecovery;
    // Live DynamoDB's words, as recorded by moto's AWS-verified export tests and other emulators.
    if (setting === undefined) {
      throw new DynamoError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${source.TableName}'`);
    }
    checkTargetFree(context, request.TargetTableName);
    const { earliestMs, latestMs } = recoveryWindow(setting, Date.now(), services.config.pitrLagMs);
    const restoreAt = latest ? latestMs : request.RestoreDateTime! * 1000;
    if (!(restoreAt >= earliestMs && restoreAt <= latestMs)) {
      // The exception's documented description (API reference); no recorded live text was found.
      throw new DynamoError('InvalidRestoreTimeException', 'RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime.');
    }
    // A table whose PITR was switched on before bases existed gets one now: its log holds every change of the window to undo.
    const base = await services.storage.write((tx) => {
      ensureBase(tx, source, Date.now());
      return findBase(tx, source)!;
    });
    const definition = restoredDefinition(request, source, namespace);
    const summary = { SourceTableArn: tableArn(source), RestoreDateTime: restoreAt / 1000, RestoreInProgress: true };
    const table = await createRestoredTable(context, definition, summary, {
      BackupArn: base.BackupArn,
      backupNumber: base.number,
      pointInTime: { sourceTableId: source.id, restoreAt },
    });
    return { TableDescription: await describe(table, services) };
  },
});
