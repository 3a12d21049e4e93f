/**
 * UpdateContinuousBackups: switches point-in-time recovery on or off, or
 * changes its recovery period. Switching on starts the window anew (and from
 * then on the table's changes are logged: features/pitr/log-reader.ts);
 * switching off forgets the period, as DynamoDB describes such a table by its
 * status alone.
 */
import { defineOperation } from '../operation.js';
import { bool, int, struct } from '../../protocol/shape.js';
import { DynamoError } from '../../protocol/errors.js';
import { DEFAULT_RECOVERY_PERIOD_DAYS, recoveryWindow } from '../../features/pitr/recovery-window.js';
import { dropBases, ensureBase } from '../../features/pitr/pitr-base.js';
import { continuousBackupsDescription } from './continuous-backups.js';
import { requireTable, tableNameOrArnMember } from './backup-access.js';

interface UpdateContinuousBackupsRequest {
  readonly TableName: string;
  readonly PointInTimeRecoverySpecification: { readonly PointInTimeRecoveryEnabled: boolean; readonly RecoveryPeriodInDays?: number };
}

export const updateContinuousBackups = defineOperation<UpdateContinuousBackupsRequest>({
  name: 'UpdateContinuousBackups',
  shape: struct('UpdateContinuousBackupsInput', {
    TableName: tableNameOrArnMember(true),
    PointInTimeRecoverySpecification: struct(
      'PointInTimeRecoverySpecification',
      {
        PointInTimeRecoveryEnabled: bool({ required: true }),
        RecoveryPeriodInDays: int({ min: 1, max: 35 }),
      },
      { required: true },
    ),
  }),
  async execute(request, context) {
    const { PointInTimeRecoveryEnabled: enabled, RecoveryPeriodInDays: period } = request.PointInTimeRecoverySpecification;
    const table = requireTable(context, request.TableName);
    // A table DynamoDB is still creating has no continuous backups yet to build on; clients retry
    // ("Backups are being enabled for the table", recorded in deployment scripts' retry loops).
    if (table.TableStatus === 'CREATING') throw new DynamoError('ContinuousBackupsUnavailableException', 'Backups are being enabled for the table');
    const now = Date.now();
    const updated = await context.services.catalog.update(
      table,
      (record) => {
        const { pointInTimeRecovery: current, ...rest } = record;
        if (!enabled) return rest;
        // Enabling an enabled table keeps its window's start, and its period unless the request names one (moto's
        // reading; the Developer Guide says only that re-enabling after a disable resets the start). A period sent
        // with PointInTimeRecoveryEnabled false is ignored: no recording of DynamoDB refusing it was found.
        const RecoveryPeriodInDays = period ?? current?.RecoveryPeriodInDays ?? DEFAULT_RECOVERY_PERIOD_DAYS;
        // A longer period cannot bring back what the shorter one let go (its log is trimmed, folded into the base:
        // features/pitr/base-fold.ts): the window's start stays where it is and recedes from there as time passes.
        // No DynamoDB source says otherwise; it is what the kept log allows.
        const lengthened = current !== undefined && RecoveryPeriodInDays > current.RecoveryPeriodInDays;
        const enabledAt = current === undefined ? now : lengthened ? recoveryWindow(current, now).earliestMs : current.enabledAt;
        return { ...rest, pointInTimeRecovery: { RecoveryPeriodInDays, enabledAt } };
      },
      false,
    );
    // The base restores start from (features/pitr/pitr-base.ts); enabling an enabled table records one if it lacks it.
    await context.services.storage.write((tx) => (enabled ? ensureBase(tx, updated, now) : dropBases(tx, updated)));
    return { ContinuousBackupsDescription: continuousBackupsDescription(updated, context.services.config.pitrLagMs, now) };
  },
});
