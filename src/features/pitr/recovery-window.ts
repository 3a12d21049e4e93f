/**
 * The span of time a table with point-in-time recovery can be restored to.
 * It starts RecoveryPeriodInDays ago, or when PITR was last switched on if
 * that is later (AWS Developer Guide, "Point-in-time backups: Before you
 * begin": re-enabling resets the start time); it ends "typically 5 minutes
 * before the current time" (API Reference, UpdateContinuousBackups), never
 * before it starts: right after enabling, LatestRestorableDateTime is the only
 * time a restore may name.
 */
import type { PointInTimeRecoverySetting } from '../../engine/table.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How far LatestRestorableDateTime trails the present. */
export const LATEST_RESTORABLE_LAG_MS = 5 * 60 * 1000;

/** DynamoDB's recovery period when the request names none (PointInTimeRecoverySpecification). */
export const DEFAULT_RECOVERY_PERIOD_DAYS = 35;

export interface RecoveryWindow {
  /** Epoch ms. */
  readonly earliestMs: number;
  readonly latestMs: number;
}

/** `lagMs`: how far the window's end trails now (`--pitr-lag-ms`; DynamoDB's five minutes unless configured). */
export function recoveryWindow(setting: PointInTimeRecoverySetting, nowMs: number, lagMs = LATEST_RESTORABLE_LAG_MS): RecoveryWindow {
  const earliestMs = Math.max(setting.enabledAt, nowMs - setting.RecoveryPeriodInDays * DAY_MS);
  return { earliestMs, latestMs: Math.max(earliestMs, nowMs - lagMs) };
}
