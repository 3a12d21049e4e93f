/**
 * Setting an alarm's state, shared by the evaluator and SetAlarmState: one
 * write transaction that reads the alarm and writes its new state, then,
 * once that committed, the log line and (for a change of state value, with
 * actions enabled) the notification to the webhooks. CloudWatch runs actions
 * only "when the updated state differs from the previous value" (SetAlarmState
 * in the API reference).
 */
import type { Services } from '../../engine/services.js';
import type { Namespace } from '../../operations/operation.js';
import type { AlarmRecord, AlarmState } from './alarm-record.js';
import { readAlarm, writeAlarm } from './alarm-store.js';
import { alarmNotification } from './alarm-notification.js';
import { postToWebhooks } from './webhooks.js';

export interface NewState {
  readonly value: AlarmState;
  readonly reason: string;
  readonly reasonData?: string;
}

export interface StateChange {
  readonly before: AlarmRecord;
  readonly after: AlarmRecord;
}

/**
 * Writes `next` as the alarm's state at `now`. `unchangedSince`, when given,
 * is the record the caller judged: the write is skipped (undefined) if the
 * alarm's configuration or state changed since, so an evaluation never
 * overwrites what a newer PutMetricAlarm or SetAlarmState wrote. Undefined
 * too when the alarm does not exist.
 */
export async function writeState(services: Services, where: Namespace, name: string, next: NewState, now: number, unchangedSince?: AlarmRecord): Promise<StateChange | undefined> {
  return services.storage.write((tx) => {
    const before = readAlarm(tx, where, name);
    if (before === undefined) return undefined;
    const changed = unchangedSince !== undefined && (before.configurationUpdatedAt !== unchangedSince.configurationUpdatedAt || before.stateUpdatedAt !== unchangedSince.stateUpdatedAt);
    if (changed) return undefined;
    const { StateReasonData: _replaced, ...rest } = before;
    // Never the time it had: an evaluation tells a state written meanwhile by this.
    const at = Math.max(now, before.stateUpdatedAt + 1);
    const after: AlarmRecord = {
      ...rest,
      StateValue: next.value,
      StateReason: next.reason,
      ...(next.reasonData === undefined ? {} : { StateReasonData: next.reasonData }),
      stateUpdatedAt: at,
      stateTransitionedAt: next.value === before.StateValue ? before.stateTransitionedAt : at,
    };
    writeAlarm(tx, after);
    return { before, after };
  });
}

/** Logs a written state and, if its value changed and actions are enabled, notifies the webhooks (in the background). */
export function announce(services: Services, { before, after }: StateChange): void {
  const context = { alarm: after.AlarmName, account: after.account, region: after.region };
  services.logger.info({ ...context, from: before.StateValue, to: after.StateValue, reason: after.StateReason }, 'alarm state set');
  if (after.StateValue === before.StateValue || !after.ActionsEnabled || services.config.alarmWebhooks.length === 0) return;
  void postToWebhooks(services.config.alarmWebhooks, alarmNotification(after, before.StateValue), services.logger, context);
}
