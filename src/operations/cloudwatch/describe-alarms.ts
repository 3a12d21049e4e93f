/**
 * DescribeAlarms: the account and region's metric alarms in name order,
 * filtered by names or a name prefix, state and action prefix (an alarm
 * matches when any of its actions starts with it), MaxRecords (default 50,
 * as CloudWatch) a page. Dynalith has no composite alarms: CompositeAlarms
 * is always empty, and so are the children and parents of any alarm. The
 * NextToken names the last alarm listed, so a page goes on after it even if
 * alarms were added or deleted meanwhile.
 */
import { defineOperation } from '../operation.js';
import { int, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import { textBytes } from '../../model/key-codec.js';
import { describeAlarm, type AlarmRecord, type AlarmState } from '../../features/alarms/alarm-record.js';
import { readAlarms } from '../../features/alarms/alarm-store.js';
import { alarmNameShape, stateValueShape } from './alarm-shapes.js';

interface DescribeAlarmsRequest {
  readonly AlarmNames?: readonly string[];
  readonly AlarmNamePrefix?: string;
  readonly AlarmTypes?: readonly ('CompositeAlarm' | 'MetricAlarm')[];
  readonly ChildrenOfAlarmName?: string;
  readonly ParentsOfAlarmName?: string;
  readonly StateValue?: AlarmState;
  readonly ActionPrefix?: string;
  readonly MaxRecords?: number;
  readonly NextToken?: string;
}

const DEFAULT_RECORDS = 50;

function tokenOf(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function nameOfToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (name === '' || tokenOf(name) !== token) throw new CloudWatchError('InvalidNextToken', 'The service cannot find the specified token.');
  return name;
}

function matches(alarm: AlarmRecord, request: DescribeAlarmsRequest): boolean {
  if (request.AlarmNames !== undefined && !request.AlarmNames.includes(alarm.AlarmName)) return false;
  if (request.AlarmNamePrefix !== undefined && !alarm.AlarmName.startsWith(request.AlarmNamePrefix)) return false;
  if (request.StateValue !== undefined && alarm.StateValue !== request.StateValue) return false;
  const prefix = request.ActionPrefix;
  if (prefix === undefined) return true;
  return [...alarm.AlarmActions, ...alarm.OKActions, ...alarm.InsufficientDataActions].some((action) => action.startsWith(prefix));
}

export const describeAlarms = defineOperation<DescribeAlarmsRequest>({
  name: 'DescribeAlarms',
  shape: struct('DescribeAlarmsInput', {
    AlarmNames: list(alarmNameShape, { maxLength: 100 }),
    AlarmNamePrefix: str({ minLength: 1, maxLength: 255 }),
    AlarmTypes: list(str({ enum: ['CompositeAlarm', 'MetricAlarm'] })),
    ChildrenOfAlarmName: alarmNameShape,
    ParentsOfAlarmName: alarmNameShape,
    StateValue: stateValueShape,
    ActionPrefix: str({ minLength: 1, maxLength: 1024 }),
    MaxRecords: int({ min: 1, max: 100 }),
    NextToken: str(),
  }),
  async execute(request, { namespace, services }) {
    if (request.AlarmNames !== undefined && request.AlarmNamePrefix !== undefined) {
      // The API reference: with AlarmNamePrefix, "you cannot specify AlarmNames". Worded as CloudWatch words other exclusive pairs.
      throw new CloudWatchError('InvalidParameterCombination', 'The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.');
    }
    const family = request.ChildrenOfAlarmName !== undefined ? 'ChildrenOfAlarmName' : request.ParentsOfAlarmName !== undefined ? 'ParentsOfAlarmName' : undefined;
    if (family !== undefined) {
      const others = Object.keys(request).filter((member) => member !== family && member !== 'MaxRecords' && member !== 'NextToken');
      // The API reference: with either, "you cannot specify any other parameters ... If you do so, you receive a validation error."
      if (others.length > 0) throw new CloudWatchError('ValidationError', `If you specify ${family}, you cannot specify any other parameters in the request except for MaxRecords and NextToken.`);
      return { MetricAlarms: [], CompositeAlarms: [] };
    }
    const after = request.NextToken === undefined ? undefined : textBytes(nameOfToken(request.NextToken));
    const wantsMetricAlarms = request.AlarmTypes === undefined || request.AlarmTypes.includes('MetricAlarm');
    const alarms = wantsMetricAlarms ? await services.storage.read((tx) => readAlarms(tx, namespace)) : [];
    const found = alarms.filter((alarm) => (after === undefined || Buffer.compare(textBytes(alarm.AlarmName), after) > 0) && matches(alarm, request));
    const page = found.slice(0, request.MaxRecords ?? DEFAULT_RECORDS);
    return {
      MetricAlarms: page.map(describeAlarm),
      CompositeAlarms: [],
      ...(page.length < found.length ? { NextToken: tokenOf(page[page.length - 1]!.AlarmName) } : {}),
    };
  },
});
