/**
 * What UpdateContinuousBackups and DescribeContinuousBackups share: the table
 * they name and the description they answer with.
 */
import type { TableRecord } from '../../engine/table.js';
import { recoveryWindow } from '../../features/pitr/recovery-window.js';

/**
 * ContinuousBackupsStatus is always ENABLED: "Continuous backups are ENABLED
 * on all tables at table creation" (API Reference). A table without PITR is
 * described by its status alone, as DynamoDB does (ScyllaDB's Alternator
 * tests, run against DynamoDB; moto).
 */
export function continuousBackupsDescription(table: TableRecord, lagMs: number, nowMs = Date.now()): object {
  const setting = table.pointInTimeRecovery;
  if (setting === undefined) return { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } };
  const { earliestMs, latestMs } = recoveryWindow(setting, nowMs, lagMs);
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: {
      PointInTimeRecoveryStatus: 'ENABLED',
      RecoveryPeriodInDays: setting.RecoveryPeriodInDays,
      EarliestRestorableDateTime: earliestMs / 1000,
      LatestRestorableDateTime: latestMs / 1000,
    },
  };
}
