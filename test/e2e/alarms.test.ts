/**
 * CloudWatch alarms through @aws-sdk/client-cloudwatch: PutMetricAlarm,
 * DescribeAlarms (filters, paging), DescribeAlarmsForMetric, DeleteAlarms and
 * SetAlarmState round trips and their errors; then evaluation: a provisioned
 * table driven past its capacity under --capacity enforce sets off an alarm
 * on ThrottledRequests, whose notification reaches a webhook while another
 * webhook is down; missing data treated as breaching; SetAlarmState's
 * notifications; actions disabled; a failing webhook retried.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type CloudWatchClient,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';
import { cloudWatchClient } from '../helpers/cloudwatch.js';
import { createTable } from '../helpers/tables.js';
import { deadWebhookUrl, eventually, startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { startServer } from '../../src/server/dynalith.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';

function alarmInput(AlarmName: string, overrides: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput {
  return {
    AlarmName,
    Namespace: 'MyApp',
    MetricName: 'Errors',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ...overrides,
  };
}

async function describeOne(cw: CloudWatchClient, name: string): Promise<MetricAlarm | undefined> {
  return (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
}

type SdkError = Error & { Code?: string; $metadata: { httpStatusCode?: number } };

/** The call fails as the SDK reports CloudWatch's error: its name, its query error code, its status and text. */
async function refused(call: Promise<unknown>, name: string, code: string, status: number, message?: string | RegExp): Promise<void> {
  await assert.rejects(call, (error: SdkError) => {
    assert.equal(error.name, name, error.message);
    assert.equal(error.Code, code);
    assert.equal(error.$metadata.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

/** The suite's CloudWatch client, made once its server runs and destroyed after it. */
function suiteClient(target: () => Target): () => CloudWatchClient {
  let cw: CloudWatchClient | undefined;
  after(() => cw?.destroy());
  return () => (cw ??= cloudWatchClient(target().endpoint));
}

// The evaluator stays out of the way of the API tests: its first round is an hour off.
const QUIET = { alarmIntervalMs: 3_600_000 } as const;

describeEachBackend(
  'alarms: API',
  (target: () => Target) => {
    const client = suiteClient(target);

    test('an alarm is created in INSUFFICIENT_DATA and described as it was put', async () => {
      const name = uniqueName('created');
      const before = Date.now();
      await client().send(
        new PutMetricAlarmCommand(
          alarmInput(name, {
            AlarmDescription: 'too many errors',
            AlarmActions: ['arn:aws:sns:us-east-1:000000000000:alerts'],
            Dimensions: [{ Name: 'TableName', Value: 'T' }],
            Unit: 'Count',
            EvaluationPeriods: 3,
            DatapointsToAlarm: 2,
            TreatMissingData: 'notBreaching',
            Tags: [{ Key: 'team', Value: 'db' }],
          }),
        ),
      );
      const alarm = await describeOne(client(), name);
      assert.ok(alarm !== undefined);
      assert.equal(alarm.AlarmArn, `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`);
      assert.equal(alarm.StateValue, 'INSUFFICIENT_DATA');
      assert.equal(alarm.StateReason, 'Unchecked: Initial alarm creation');
      assert.equal(alarm.StateReasonData, undefined);
      assert.equal(alarm.ActionsEnabled, true);
      assert.deepEqual(alarm.AlarmActions, ['arn:aws:sns:us-east-1:000000000000:alerts']);
      assert.deepEqual(alarm.OKActions, []);
      assert.deepEqual(alarm.Dimensions, [{ Name: 'TableName', Value: 'T' }]);
      assert.deepEqual(
        [alarm.AlarmDescription, alarm.MetricName, alarm.Namespace, alarm.Statistic, alarm.Period, alarm.Unit, alarm.EvaluationPeriods, alarm.DatapointsToAlarm, alarm.Threshold],
        ['too many errors', 'Errors', 'MyApp', 'Sum', 60, 'Count', 3, 2, 1],
      );
      assert.equal(alarm.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.equal(alarm.TreatMissingData, 'notBreaching');
      for (const time of [alarm.AlarmConfigurationUpdatedTimestamp, alarm.StateUpdatedTimestamp, alarm.StateTransitionedTimestamp]) {
        assert.ok(time instanceof Date && time.getTime() >= before - 1000, String(time));
      }
      // Members never set are left out, as CloudWatch leaves them out.
      const minimal = uniqueName('minimal');
      await client().send(new PutMetricAlarmCommand(alarmInput(minimal)));
      const bare = await describeOne(client(), minimal);
      assert.deepEqual([bare?.AlarmDescription, bare?.Unit, bare?.DatapointsToAlarm, bare?.TreatMissingData, bare?.ExtendedStatistic], [undefined, undefined, undefined, undefined, undefined]);
    });

    test('putting an existing alarm replaces its configuration and keeps its state', async () => {
      const name = uniqueName('updated');
      await client().send(new PutMetricAlarmCommand(alarmInput(name, { AlarmDescription: 'first' })));
      await client().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'testing' }));
      const set = await describeOne(client(), name);
      await client().send(new PutMetricAlarmCommand(alarmInput(name, { Threshold: 5, ActionsEnabled: false })));
      const updated = await describeOne(client(), name);
      assert.equal(updated?.StateValue, 'ALARM');
      assert.equal(updated?.StateReason, 'testing');
      assert.deepEqual(updated?.StateTransitionedTimestamp, set?.StateTransitionedTimestamp);
      assert.equal(updated?.Threshold, 5);
      assert.equal(updated?.ActionsEnabled, false);
      assert.equal(updated?.AlarmDescription, undefined, 'the update overwrites the whole configuration');
      assert.ok(updated!.AlarmConfigurationUpdatedTimestamp! > set!.AlarmConfigurationUpdatedTimestamp!);
    });

    test('DescribeAlarms filters by names, prefix, state, action prefix and type, and pages in name order', async () => {
      const prefix = uniqueName('filter');
      const at = (letter: string) => `${prefix}-${letter}`;
      for (const letter of ['e', 'a', 'c', 'b', 'd']) {
        await client().send(new PutMetricAlarmCommand(alarmInput(at(letter), letter === 'c' ? { OKActions: ['arn:aws:sns:us-east-1:000000000000:ok-topic'] } : {})));
      }
      await client().send(new SetAlarmStateCommand({ AlarmName: at('b'), StateValue: 'OK', StateReason: 'fine' }));

      const byNames = await client().send(new DescribeAlarmsCommand({ AlarmNames: [at('d'), at('a'), 'no-such-alarm'] }));
      assert.deepEqual(byNames.MetricAlarms?.map((a) => a.AlarmName), [at('a'), at('d')]);
      assert.deepEqual(byNames.CompositeAlarms, []);

      const pages: string[][] = [];
      let NextToken: string | undefined;
      do {
        const page = await client().send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, MaxRecords: 2, NextToken }));
        pages.push(page.MetricAlarms!.map((a) => a.AlarmName!));
        NextToken = page.NextToken;
      } while (NextToken !== undefined);
      assert.deepEqual(pages, [[at('a'), at('b')], [at('c'), at('d')], [at('e')]]);

      const ok = await client().send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: 'OK' }));
      assert.deepEqual(ok.MetricAlarms?.map((a) => a.AlarmName), [at('b')]);
      const byAction = await client().send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, ActionPrefix: 'arn:aws:sns:us-east-1:000000000000:ok' }));
      assert.deepEqual(byAction.MetricAlarms?.map((a) => a.AlarmName), [at('c')]);
      const composites = await client().send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['CompositeAlarm'] }));
      assert.deepEqual([composites.MetricAlarms, composites.CompositeAlarms], [[], []]);
      const children = await client().send(new DescribeAlarmsCommand({ ChildrenOfAlarmName: at('a') }));
      assert.deepEqual(children.MetricAlarms, []);
    });

    test('alarms belong to their region', async () => {
      const name = uniqueName('regional');
      await client().send(new PutMetricAlarmCommand(alarmInput(name)));
      const west = cloudWatchClient(target().endpoint, 'us-west-2');
      try {
        assert.equal(await describeOne(west, name), undefined);
        await west.send(new PutMetricAlarmCommand(alarmInput(name, { Threshold: 7 })));
        assert.equal((await describeOne(west, name))?.AlarmArn, `arn:aws:cloudwatch:us-west-2:000000000000:alarm:${name}`);
        assert.equal((await describeOne(client(), name))?.Threshold, 1);
      } finally {
        west.destroy();
      }
    });

    test('DescribeAlarmsForMetric finds the alarms on a metric and its whole set of dimensions', async () => {
      const metric = uniqueName('Metric');
      const dims = [
        { Name: 'TableName', Value: 'T' },
        { Name: 'Operation', Value: 'PutItem' },
      ];
      const [sum, max, other] = [uniqueName('sum'), uniqueName('max'), uniqueName('other')];
      await client().send(new PutMetricAlarmCommand(alarmInput(sum, { MetricName: metric, Dimensions: dims })));
      await client().send(new PutMetricAlarmCommand(alarmInput(max, { MetricName: metric, Dimensions: dims, Statistic: 'Maximum', Period: 300 })));
      await client().send(new PutMetricAlarmCommand(alarmInput(other, { MetricName: metric, Dimensions: dims.slice(0, 1) })));
      const all = await client().send(new DescribeAlarmsForMetricCommand({ Namespace: 'MyApp', MetricName: metric, Dimensions: [...dims].reverse() }));
      assert.deepEqual(all.MetricAlarms?.map((a) => a.AlarmName).sort(), [sum, max].sort());
      const maxima = await client().send(new DescribeAlarmsForMetricCommand({ Namespace: 'MyApp', MetricName: metric, Dimensions: dims, Statistic: 'Maximum' }));
      assert.deepEqual(maxima.MetricAlarms?.map((a) => a.AlarmName), [max]);
      const perMinute = await client().send(new DescribeAlarmsForMetricCommand({ Namespace: 'MyApp', MetricName: metric, Dimensions: dims, Period: 60 }));
      assert.deepEqual(perMinute.MetricAlarms?.map((a) => a.AlarmName), [sum]);
    });

    test('DeleteAlarms deletes the alarms named and passes over unknown names', async () => {
      const [kept, gone1, gone2] = [uniqueName('kept'), uniqueName('gone'), uniqueName('gone')];
      for (const name of [kept, gone1, gone2]) await client().send(new PutMetricAlarmCommand(alarmInput(name)));
      await client().send(new DeleteAlarmsCommand({ AlarmNames: [gone1, 'never-existed', gone2] }));
      const left = await client().send(new DescribeAlarmsCommand({ AlarmNames: [kept, gone1, gone2] }));
      assert.deepEqual(left.MetricAlarms?.map((a) => a.AlarmName), [kept]);
      await client().send(new DeleteAlarmsCommand({ AlarmNames: [gone1] }));
    });

    test('SetAlarmState sets the state, its reason and data; unknown alarms and bad input are refused', async () => {
      const name = uniqueName('set');
      await client().send(new PutMetricAlarmCommand(alarmInput(name)));
      const created = await describeOne(client(), name);
      await client().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'testing', StateReasonData: '{"why":"test"}' }));
      const set = await describeOne(client(), name);
      assert.deepEqual([set?.StateValue, set?.StateReason, set?.StateReasonData], ['ALARM', 'testing', '{"why":"test"}']);
      assert.ok(set!.StateTransitionedTimestamp! > created!.StateTransitionedTimestamp!);
      await client().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'again' }));
      const again = await describeOne(client(), name);
      assert.equal(again?.StateReason, 'again');
      assert.equal(again?.StateReasonData, undefined);
      assert.deepEqual(again?.StateTransitionedTimestamp, set?.StateTransitionedTimestamp, 'the same state is no transition');
      assert.ok(again!.StateUpdatedTimestamp! > set!.StateUpdatedTimestamp!);

      // As live CloudWatch answers (LocalStack's snapshot test_set_alarm_invalid_input): 404 ResourceNotFound without a message.
      await refused(client().send(new SetAlarmStateCommand({ AlarmName: uniqueName('missing'), StateValue: 'OK', StateReason: 'x' })), 'ResourceNotFound', 'ResourceNotFound', 404);
      await refused(
        client().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'INVALID' as 'OK', StateReason: 'x' })),
        'ValidationException',
        'ValidationError',
        400,
        "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]",
      );
      await refused(client().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'x', StateReasonData: '{not json' })), 'InvalidFormatFault', 'InvalidFormat', 400);
      assert.equal((await describeOne(client(), name))?.StateValue, 'ALARM');
    });
  },
  { config: QUIET },
);

describeEachBackend(
  'alarms: PutMetricAlarm validation',
  (target: () => Target) => {
    const client = suiteClient(target);
    const put = (overrides: Partial<PutMetricAlarmCommandInput>) => client().send(new PutMetricAlarmCommand(alarmInput(uniqueName('invalid'), overrides)));

    test('periods: 10, 20, 30 or whole minutes, over at most a day (a week for hourly periods)', async () => {
      for (const Period of [10, 20, 30, 60, 300]) await put({ Period });
      await refused(put({ Period: 45 }), 'ValidationException', 'ValidationError', 400, 'Period must be 10, 20, 30 or a multiple of 60');
      await refused(put({ Period: 0 }), 'ValidationException', 'ValidationError', 400, /Value '0' at 'period' failed to satisfy constraint: Member must have value greater than or equal to 1/);
      await refused(put({ Period: 60, EvaluationPeriods: 1441 }), 'InvalidParameterCombinationException', 'InvalidParameterCombination', 400, /more than a day/);
      await put({ Period: 3600, EvaluationPeriods: 168 });
      await refused(put({ Period: 3600, EvaluationPeriods: 169 }), 'InvalidParameterCombinationException', 'InvalidParameterCombination', 400, /more than a week/);
    });

    test('the counts: EvaluationPeriods required and positive, DatapointsToAlarm at most EvaluationPeriods', async () => {
      await refused(
        put({ EvaluationPeriods: undefined }),
        'ValidationException',
        'ValidationError',
        400,
        "1 validation error detected: Value null at 'evaluationPeriods' failed to satisfy constraint: Member must not be null",
      );
      await refused(put({ EvaluationPeriods: 0 }), 'ValidationException', 'ValidationError', 400, /at 'evaluationPeriods' failed to satisfy constraint/);
      await refused(put({ EvaluationPeriods: 2, DatapointsToAlarm: 3 }), 'ValidationException', 'ValidationError', 400, 'DatapointsToAlarm must be less than or equal to EvaluationPeriods');
      await put({ EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    });

    test('the metric: MetricName and one statistic; metric math and percentiles are refused', async () => {
      await refused(put({ MetricName: undefined }), 'ValidationException', 'ValidationError', 400, 'MetricName must not be null');
      await refused(put({ ExtendedStatistic: 'p99' }), 'InvalidParameterCombinationException', 'InvalidParameterCombination', 400, 'The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both.');
      await refused(put({ Statistic: undefined }), 'MissingRequiredParameterException', 'MissingParameter', 400);
      await refused(put({ Statistic: undefined, ExtendedStatistic: 'p99' }), 'InvalidParameterValueException', 'InvalidParameterValue', 400, /percentiles/);
      await refused(put({ Statistic: 'Median' as 'Sum' }), 'ValidationException', 'ValidationError', 400, /at 'statistic' failed to satisfy constraint: Member must satisfy enum value set/);
      const metrics = [{ Id: 'm1', MetricStat: { Metric: { Namespace: 'MyApp', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' }, ReturnData: true }];
      await refused(
        client().send(new PutMetricAlarmCommand({ AlarmName: uniqueName('math'), Metrics: metrics, Statistic: 'Sum', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' })),
        'ValidationException',
        'ValidationError',
        400,
        'Statistic should not be set if list of Metrics is set.',
      );
      await refused(
        client().send(new PutMetricAlarmCommand({ AlarmName: uniqueName('math'), Metrics: metrics, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' })),
        'ValidationException',
        'ValidationError',
        400,
        /not supported/,
      );
      await refused(put({ ComparisonOperator: 'GreaterThanUpperThreshold' }), 'ValidationException', 'ValidationError', 400, /Anomaly detection/);
    });

    test('the rest: Threshold, TreatMissingData, names and lengths', async () => {
      await refused(put({ Threshold: undefined }), 'MissingRequiredParameterException', 'MissingParameter', 400);
      await refused(put({ TreatMissingData: 'sometimes' }), 'ValidationException', 'ValidationError', 400, /TreatMissingData/);
      for (const TreatMissingData of ['breaching', 'notBreaching', 'ignore', 'missing']) await put({ TreatMissingData });
      await refused(client().send(new PutMetricAlarmCommand(alarmInput('bad\u0001name'))), 'ValidationException', 'ValidationError', 400, /control characters/);
      await refused(client().send(new PutMetricAlarmCommand(alarmInput('x'.repeat(256)))), 'ValidationException', 'ValidationError', 400, /at 'alarmName' failed to satisfy constraint: Member must have length less than or equal to 255/);
      await refused(put({ AlarmActions: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'ValidationException', 'ValidationError', 400, /at 'alarmActions' failed to satisfy constraint/);
      await refused(client().send(new DeleteAlarmsCommand({ AlarmNames: undefined as unknown as string[] })), 'ValidationException', 'ValidationError', 400, /Value null at 'alarmNames'/);
      await refused(client().send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })), 'InvalidParameterCombinationException', 'InvalidParameterCombination', 400);
      await refused(client().send(new DescribeAlarmsCommand({ NextToken: '!!' })), 'InvalidNextToken', 'InvalidNextToken', 400);
      await refused(client().send(new DescribeAlarmsCommand({ MaxRecords: 101 })), 'ValidationException', 'ValidationError', 400, /at 'maxRecords'/);
    });
  },
  { memoryOnly: true, config: QUIET },
);

// The webhooks of the evaluation suites: one that answers, one that is down.
const receiver = await startWebhookReceiver((name) => name.startsWith('flaky'));
const down = await deadWebhookUrl();
after(() => receiver.close());

const messagesOf = (name: string) => receiver.received.filter((message) => message['AlarmName'] === name);
const messageOf = (name: string, state: string) => eventually(() => messagesOf(name).find((message) => message['NewStateValue'] === state), `${state} notification of ${name}`);

describeEachBackend(
  'alarms: evaluation',
  (target: () => Target) => {
    const client = suiteClient(target);

    test('a table throttled past its capacity sets off an alarm on ThrottledRequests, and the webhook hears of it', async () => {
      const { ddb } = target();
      const TableName = await createTable(ddb, 'alarmed', { hash: ['pk', 'S'], extra: { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } });
      const name = uniqueName('throttled');
      await client().send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          AlarmDescription: 'writes throttled',
          AlarmActions: ['arn:aws:sns:us-east-1:000000000000:alerts'],
          Namespace: 'AWS/DynamoDB',
          MetricName: 'ThrottledRequests',
          Dimensions: [
            { Name: 'TableName', Value: TableName },
            { Name: 'Operation', Value: 'PutItem' },
          ],
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      );
      assert.equal((await describeOne(client(), name))?.StateValue, 'INSUFFICIENT_DATA');
      // Writes go on until the alarm has seen a throttle (a minute's turn may fall between a throttle and an evaluation).
      let throttles = 0;
      let i = 0;
      const alarmed = await eventually(async () => {
        for (let n = 0; n < 5; n++) {
          await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i++}` } } })).catch((error: Error) => {
            assert.equal(error.name, 'ProvisionedThroughputExceededException');
            throttles++;
          });
        }
        const alarm = await describeOne(client(), name);
        return alarm?.StateValue === 'ALARM' ? alarm : undefined;
      }, 'the alarm');
      assert.ok(throttles >= 1);
      assert.match(alarmed.StateReason!, /^Threshold Crossed: 1 datapoint \[\d+\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)\] was greater than or equal to the threshold \(1\.0\)\.$/);
      const data = JSON.parse(alarmed.StateReasonData!) as { version: string; statistic: string; period: number; threshold: number; recentDatapoints: number[] };
      assert.deepEqual([data.version, data.statistic, data.period, data.threshold], ['1.0', 'Sum', 60, 1]);
      assert.ok(data.recentDatapoints.length === 1 && data.recentDatapoints[0]! >= 1);

      const message = await messageOf(name, 'ALARM');
      assert.deepEqual(
        [message['AlarmDescription'], message['AWSAccountId'], message['OldStateValue'], message['Region'], message['AlarmArn'], message['NewStateReason']],
        ['writes throttled', '000000000000', 'INSUFFICIENT_DATA', 'US East (N. Virginia)', `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`, alarmed.StateReason],
      );
      assert.deepEqual(message['AlarmActions'], ['arn:aws:sns:us-east-1:000000000000:alerts']);
      assert.match(String(message['StateChangeTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      assert.deepEqual(message['Trigger'], {
        MetricName: 'ThrottledRequests',
        Namespace: 'AWS/DynamoDB',
        StatisticType: 'Statistic',
        Statistic: 'SUM',
        Unit: null,
        Dimensions: [
          { value: TableName, name: 'TableName' },
          { value: 'PutItem', name: 'Operation' },
        ],
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: '',
        EvaluateLowSampleCountPercentile: '',
      });
      const listed = await client().send(new DescribeAlarmsCommand({ StateValue: 'ALARM', AlarmNamePrefix: name }));
      assert.deepEqual(listed.MetricAlarms?.map((a) => a.AlarmName), [name]);
    });

    test('missing data treated as breaching sets off an alarm on a metric nobody records; one without actions stays quiet', async () => {
      // Named to come first in the evaluator's round: a notification of it would start before the other's.
      const quiet = uniqueName('breach-a-quiet');
      const loud = uniqueName('breach-b-loud');
      const nobody = uniqueName('breach-c-default');
      await client().send(new PutMetricAlarmCommand(alarmInput(quiet, { TreatMissingData: 'breaching', ActionsEnabled: false })));
      await client().send(new PutMetricAlarmCommand(alarmInput(nobody)));
      await client().send(new PutMetricAlarmCommand(alarmInput(loud, { TreatMissingData: 'breaching', EvaluationPeriods: 2 })));
      const message = await messageOf(loud, 'ALARM');
      assert.equal(message['NewStateReason'], 'Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching].');
      assert.equal((message['Trigger'] as Record<string, unknown>)['TreatMissingData'], 'breaching');
      const silent = await describeOne(client(), quiet);
      assert.equal(silent?.StateValue, 'ALARM');
      assert.deepEqual(messagesOf(quiet), []);
      // The default treatment leaves an alarm without data where it started.
      const idle = await describeOne(client(), nobody);
      assert.deepEqual([idle?.StateValue, idle?.StateReason], ['INSUFFICIENT_DATA', 'Unchecked: Initial alarm creation']);
    });

    test('SetAlarmState notifies, and the evaluator then sets the state the data calls for', async () => {
      const name = uniqueName('tested');
      await client().send(new PutMetricAlarmCommand(alarmInput(name)));
      await client().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'testing the pager' }));
      const set = await messageOf(name, 'ALARM');
      assert.deepEqual([set['OldStateValue'], set['NewStateReason']], ['INSUFFICIENT_DATA', 'testing the pager']);
      const back = await messageOf(name, 'INSUFFICIENT_DATA');
      assert.deepEqual([back['OldStateValue'], back['NewStateReason']], ['ALARM', 'Insufficient Data: 1 datapoint was unknown.']);
      assert.equal((await describeOne(client(), name))?.StateValue, 'INSUFFICIENT_DATA');
    });

    test('a webhook answering 500 gets the notification again', async () => {
      const name = uniqueName('flaky');
      await client().send(new PutMetricAlarmCommand(alarmInput(name, { TreatMissingData: 'notBreaching' })));
      const message = await messageOf(name, 'OK');
      assert.equal(message['NewStateReason'], 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].');
      assert.ok(receiver.refused >= 1);
      assert.equal(messagesOf(name).length, 1);
    });
  },
  { config: { capacity: 'enforce', burstSeconds: 1, alarmIntervalMs: 200, metricsFlushMs: 100, alarmWebhooks: [down, receiver.url] } },
);

test('a webhook that is down is retried and logged, and evaluation goes on', async () => {
  const warnings: string[] = [];
  const ignore = () => undefined;
  const logger: Logger = { fatal: ignore, error: ignore, warn: (_fields, message) => void warnings.push(message ?? ''), info: ignore, debug: ignore, trace: ignore };
  const server = await startServer({ ...DEFAULT_CONFIG, port: 0, inMemory: true, logLevel: 'silent', alarmIntervalMs: 100, alarmWebhooks: [down] }, logger);
  const cw = cloudWatchClient(server.endpoint);
  try {
    const first = uniqueName('unheard');
    await cw.send(new PutMetricAlarmCommand(alarmInput(first, { TreatMissingData: 'breaching' })));
    await eventually(async () => ((await describeOne(cw, first))?.StateValue === 'ALARM' ? true : undefined), 'the first alarm');
    // Alarms created after the failed notification are still evaluated.
    const second = uniqueName('unheard');
    await cw.send(new PutMetricAlarmCommand(alarmInput(second, { TreatMissingData: 'notBreaching' })));
    await eventually(async () => ((await describeOne(cw, second))?.StateValue === 'OK' ? true : undefined), 'the second alarm');
    await eventually(() => (warnings.filter((w) => w.startsWith('alarm webhook failed 4 times')).length >= 2 ? true : undefined), 'the give-up warnings');
  } finally {
    cw.destroy();
    await server.close();
  }
});
