/**
 * SetAlarmState: sets an alarm's state for testing what it triggers; a
 * change of state value notifies the webhooks as an evaluated one does. The
 * evaluator sets the state the data calls for at its next round (an
 * AWS/DynamoDB alarm without data keeps the state set here, as it ignores
 * missing data). StateReasonData must be JSON (InvalidFormat, "Data was not
 * syntactically valid JSON", the model's description of the fault); an
 * unknown alarm is ResourceNotFound with no message, as live CloudWatch
 * answers (LocalStack's snapshot test_set_alarm_invalid_input).
 */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import type { AlarmState } from '../../features/alarms/alarm-record.js';
import { announce, writeState } from '../../features/alarms/state-change.js';
import { alarmNameShape, stateValueShape } from './alarm-shapes.js';

interface SetAlarmStateRequest {
  readonly AlarmName: string;
  readonly StateValue: AlarmState;
  readonly StateReason: string;
  readonly StateReasonData?: string;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export const setAlarmState = defineOperation<SetAlarmStateRequest>({
  name: 'SetAlarmState',
  shape: struct('SetAlarmStateInput', {
    AlarmName: { ...alarmNameShape, required: true },
    StateValue: { ...stateValueShape, required: true },
    StateReason: str({ required: true, maxLength: 1023 }),
    StateReasonData: str({ maxLength: 4000 }),
  }),
  async execute(request, { namespace, services }) {
    if (request.StateReasonData !== undefined && !isJson(request.StateReasonData)) throw new CloudWatchError('InvalidFormat', 'Data was not syntactically valid JSON');
    const next = { value: request.StateValue, reason: request.StateReason, ...(request.StateReasonData === undefined ? {} : { reasonData: request.StateReasonData }) };
    const change = await writeState(services, namespace, request.AlarmName, next, Date.now());
    if (change === undefined) throw new CloudWatchError('ResourceNotFound', '');
    announce(services, change);
    return {};
  },
});
