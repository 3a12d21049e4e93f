/**
 * DeleteAlarms: deletes up to 100 alarms by name in one transaction. Names
 * of alarms that do not exist are passed over: the API reference says "If
 * you specify any incorrect alarm names, the alarms you specify with correct
 * names are still deleted", and a second delete of one alarm succeeds on
 * CloudWatch (the CloudFormation resource's contract-test thread,
 * aws-cloudformation/cloudformation-cli#456; LocalStack's provider, whose
 * alarm tests are recorded against AWS, does the same).
 */
import { defineOperation } from '../operation.js';
import { list, struct } from '../../protocol/shape.js';
import { deleteAlarm } from '../../features/alarms/alarm-store.js';
import { alarmNameShape } from './alarm-shapes.js';

interface DeleteAlarmsRequest {
  readonly AlarmNames: readonly string[];
}

export const deleteAlarms = defineOperation<DeleteAlarmsRequest>({
  name: 'DeleteAlarms',
  shape: struct('DeleteAlarmsInput', {
    AlarmNames: list(alarmNameShape, { required: true, maxLength: 100 }),
  }),
  async execute(request, { namespace, services }) {
    await services.storage.write((tx) => {
      for (const name of request.AlarmNames) deleteAlarm(tx, namespace, name);
    });
    return {};
  },
});
