/**
 * Application Auto Scaling's DynamoDB operations through
 * @aws-sdk/client-application-auto-scaling: registering, updating, describing
 * (with pages) and deregistering targets, policies, the capacity clamped into
 * a target's bounds on registration, and AWS's refusals of bad requests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
  type PutScalingPolicyCommandInput,
  type RegisterScalableTargetCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';
import { errorOf } from '../helpers/tables.js';
import { autoScalingClient, describeTable, provisionedTable, trackCapacity } from '../helpers/autoscaling.js';

const READS = 'dynamodb:table:ReadCapacityUnits' as const;
const WRITES = 'dynamodb:table:WriteCapacityUnits' as const;

function register(aas: ApplicationAutoScalingClient, input: Partial<RegisterScalableTargetCommandInput>) {
  return aas.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'dynamodb', ResourceId: '', ScalableDimension: READS, ...input }));
}

function tracking(TableName: string, extra: Partial<PutScalingPolicyCommandInput> = {}): PutScalingPolicyCommandInput {
  return {
    PolicyName: 'reads',
    ServiceNamespace: 'dynamodb',
    ResourceId: `table/${TableName}`,
    ScalableDimension: READS,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' } },
    ...extra,
  };
}

/** Runs `body` with an Application Auto Scaling client for the target's server. */
async function withClient(target: Target, body: (aas: ApplicationAutoScalingClient) => Promise<void>): Promise<void> {
  const aas = autoScalingClient(target.endpoint);
  try {
    await body(aas);
  } finally {
    aas.destroy();
  }
}

describeEachBackend('auto scaling API', (target: () => Target) => {
  test('a target is registered, described, updated in place and deregistered with its policies', () =>
    withClient(target(), async (aas) => {
      const { ddb } = target();
      const TableName = await provisionedTable(ddb, 'targets', 5, 5);
      const ResourceId = `table/${TableName}`;
      const { ScalableTargetARN } = await register(aas, { ResourceId, MinCapacity: 2, MaxCapacity: 10 });
      assert.match(ScalableTargetARN!, /^arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target\/0d26[0-9a-f]{32}$/);
      const described = async () => (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: [ResourceId] }))).ScalableTargets!;
      const [first] = await described();
      assert.equal(first!.MinCapacity, 2);
      assert.equal(first!.MaxCapacity, 10);
      assert.equal(first!.ScalableTargetARN, ScalableTargetARN);
      assert.equal(first!.RoleARN, 'arn:aws:iam::000000000000:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable');
      assert.deepEqual(first!.SuspendedState, { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });

      // Registering again changes what it names, keeps the rest, the ARN and the creation time.
      const again = await register(aas, { ResourceId, MaxCapacity: 20, SuspendedState: { DynamicScalingInSuspended: true } });
      assert.equal(again.ScalableTargetARN, ScalableTargetARN);
      const [second] = await described();
      assert.deepEqual([second!.MinCapacity, second!.MaxCapacity, second!.SuspendedState!.DynamicScalingInSuspended], [2, 20, true]);
      assert.equal(second!.CreationTime!.getTime(), first!.CreationTime!.getTime());

      const { PolicyARN, Alarms } = await aas.send(new PutScalingPolicyCommand(tracking(TableName)));
      assert.match(PolicyARN!, new RegExp(`^arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:[0-9a-f-]{36}:resource/dynamodb/${ResourceId}:policyName/reads$`));
      assert.deepEqual(Alarms, []);
      const replaced = await aas.send(new PutScalingPolicyCommand(tracking(TableName, { TargetTrackingScalingPolicyConfiguration: { TargetValue: 40, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' }, DisableScaleIn: true } })));
      assert.equal(replaced.PolicyARN, PolicyARN);
      const { ScalingPolicies } = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId }));
      assert.equal(ScalingPolicies!.length, 1);
      assert.equal(ScalingPolicies![0]!.PolicyType, 'TargetTrackingScaling');
      assert.equal(ScalingPolicies![0]!.TargetTrackingScalingPolicyConfiguration!.TargetValue, 40);
      assert.equal(ScalingPolicies![0]!.TargetTrackingScalingPolicyConfiguration!.DisableScaleIn, true);

      await aas.send(new DeregisterScalableTargetCommand({ ServiceNamespace: 'dynamodb', ResourceId, ScalableDimension: READS }));
      assert.deepEqual(await described(), []);
      const after = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId }));
      assert.deepEqual(after.ScalingPolicies, []);
    }));

  test('registering clamps the capacity into the bounds, recorded as activities', () =>
    withClient(target(), async (aas) => {
      const { ddb } = target();
      const TableName = await provisionedTable(ddb, 'clamped', 1, 8);
      const ResourceId = `table/${TableName}`;
      await register(aas, { ResourceId, MinCapacity: 3, MaxCapacity: 6 });
      await register(aas, { ResourceId, ScalableDimension: WRITES, MinCapacity: 1, MaxCapacity: 5 });
      const throughput = (await describeTable(ddb, TableName)).ProvisionedThroughput!;
      assert.deepEqual([throughput.ReadCapacityUnits, throughput.WriteCapacityUnits], [3, 5]);
      assert.equal(throughput.NumberOfDecreasesToday, 1);
      const { ScalingActivities } = await aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'dynamodb', ResourceId }));
      // Newest first.
      assert.deepEqual(
        ScalingActivities!.map((activity) => [activity.ScalableDimension, activity.Description, activity.Cause, activity.StatusCode]),
        [
          [WRITES, 'Setting write capacity units to 5.', 'maximum capacity was set to 5', 'Successful'],
          [READS, 'Setting read capacity units to 3.', 'minimum capacity was set to 3', 'Successful'],
        ],
      );
      const reads = await aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'dynamodb', ResourceId, ScalableDimension: READS }));
      assert.equal(reads.ScalingActivities!.length, 1);
    }));

  test("a change DynamoDB refuses (the day's decreases spent) is a failed activity", () =>
    withClient(target(), async (aas) => {
      const { ddb } = target();
      const TableName = await provisionedTable(ddb, 'limited', 10, 1);
      const ResourceId = `table/${TableName}`;
      for (const max of [9, 8, 7, 6, 5]) await register(aas, { ResourceId, MinCapacity: 1, MaxCapacity: max });
      // Four decreases a day are free, then one an hour: the fifth is refused.
      assert.equal((await describeTable(ddb, TableName)).ProvisionedThroughput!.ReadCapacityUnits, 6);
      const [latest] = (await aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'dynamodb', ResourceId }))).ScalingActivities!;
      assert.equal(latest!.StatusCode, 'Failed');
      assert.equal(latest!.Description, 'Setting read capacity units to 5.');
      assert.match(latest!.StatusMessage!, /^Failed to set read capacity units to 5\. Reason: Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\./);
      // The target took its new bounds all the same.
      const { ScalableTargets } = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: [ResourceId] }));
      assert.equal(ScalableTargets![0]!.MaxCapacity, 5);
    }));

  test('a global index is a target of its own', () =>
    withClient(target(), async (aas) => {
      const { ddb } = target();
      const TableName = await provisionedTable(ddb, 'indexed', 1, 1, true);
      await register(aas, { ResourceId: `table/${TableName}/index/byG`, ScalableDimension: 'dynamodb:index:WriteCapacityUnits', MinCapacity: 4, MaxCapacity: 9 });
      const table = await describeTable(ddb, TableName);
      assert.equal(table.GlobalSecondaryIndexes![0]!.ProvisionedThroughput!.WriteCapacityUnits, 4);
      assert.equal(table.ProvisionedThroughput!.WriteCapacityUnits, 1);
    }));

  test('pages of targets follow NextToken', () =>
    withClient(target(), async (aas) => {
      const { ddb } = target();
      const names = await Promise.all([0, 1, 2].map(() => provisionedTable(ddb, 'paged', 1, 1)));
      const ResourceIds = names.map((name) => `table/${name}`);
      for (const ResourceId of ResourceIds) {
        for (const ScalableDimension of [READS, WRITES]) await register(aas, { ResourceId, ScalableDimension, MinCapacity: 1, MaxCapacity: 2 });
      }
      const seen: string[] = [];
      let NextToken: string | undefined;
      let pages = 0;
      do {
        const page = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds, MaxResults: 4, NextToken }));
        seen.push(...page.ScalableTargets!.map((found) => `${found.ResourceId} ${found.ScalableDimension}`));
        NextToken = page.NextToken;
        pages++;
      } while (NextToken !== undefined);
      assert.equal(pages, 2);
      assert.deepEqual(seen.sort(), ResourceIds.flatMap((id) => [`${id} ${READS}`, `${id} ${WRITES}`]).sort());
    }));

  test("a deleted table's targets and policies stay registered, as in AWS", () =>
    withClient(target(), async (aas) => {
      const { ddb } = target();
      const TableName = await provisionedTable(ddb, 'dropped', 1, 1);
      await trackCapacity(aas, TableName, 'Read', 1, 5, 70);
      await ddb.send(new DeleteTableCommand({ TableName }));
      const { ScalableTargets } = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: [`table/${TableName}`] }));
      assert.equal(ScalableTargets!.length, 1);
      const { ScalingPolicies } = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId: `table/${TableName}` }));
      assert.equal(ScalingPolicies!.length, 1);
    }));
});

describeEachBackend(
  'auto scaling API validation',
  (target: () => Target) => {
    const refused = async (send: () => Promise<unknown>, name: string, message: string | RegExp) => {
      const error = await errorOf(send);
      assert.equal(error.name, name, error.message);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      assert.equal((error.$metadata as { httpStatusCode?: number }).httpStatusCode, 400);
    };

    test('targets: bounds, namespaces, dimensions, tables', () =>
      withClient(target(), async (aas) => {
        const { ddb } = target();
        const TableName = await provisionedTable(ddb, 'checked', 1, 1);
        const ResourceId = `table/${TableName}`;
        await refused(() => register(aas, { ResourceId, MinCapacity: -1, MaxCapacity: 5 }), 'ValidationException', 'Minimum capacity cannot be less than 0');
        await refused(() => register(aas, { ResourceId, MinCapacity: 6, MaxCapacity: 5 }), 'ValidationException', 'Maximum capacity cannot be less than minimum capacity');
        await refused(() => register(aas, { ResourceId, MaxCapacity: 5 }), 'ValidationException', 'Minimum capacity must be specified');
        await refused(() => register(aas, { ResourceId, MinCapacity: 1 }), 'ValidationException', 'Maximum capacity must be specified');
        const unsupported = 'Unsupported service namespace, resource type or scalable dimension';
        await refused(() => register(aas, { ServiceNamespace: 'ecs', ResourceId, MinCapacity: 1, MaxCapacity: 5 }), 'ValidationException', unsupported);
        await refused(() => register(aas, { ResourceId, ScalableDimension: 'dynamodb:index:ReadCapacityUnits', MinCapacity: 1, MaxCapacity: 5 }), 'ValidationException', unsupported);
        await refused(() => register(aas, { ResourceId: `dynamo/${TableName}`, MinCapacity: 1, MaxCapacity: 5 }), 'ValidationException', unsupported);
        await refused(
          () => register(aas, { ScalableDimension: 'dynamodb:table:Bogus' as never, ResourceId, MinCapacity: 1, MaxCapacity: 5 }),
          'ValidationException',
          /^1 validation error detected: Value 'dynamodb:table:Bogus' at 'scalableDimension' failed to satisfy constraint: Member must satisfy enum value set: \[ecs:service:DesiredCount, /,
        );
        await refused(() => register(aas, { ResourceId: 'table/no_such_table', MinCapacity: 1, MaxCapacity: 5 }), 'ValidationException', 'DynamoDB table does not exist: table/no_such_table');
        await refused(
          () => register(aas, { ResourceId: `${ResourceId}/index/none`, ScalableDimension: 'dynamodb:index:ReadCapacityUnits', MinCapacity: 1, MaxCapacity: 5 }),
          'ValidationException',
          `DynamoDB global secondary index does not exist: ${ResourceId}/index/none`,
        );
        const onDemand = uniqueName('ondemand');
        await ddb.send(new CreateTableCommand({ TableName: onDemand, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
        await refused(() => register(aas, { ResourceId: `table/${onDemand}`, MinCapacity: 1, MaxCapacity: 5 }), 'ValidationException', `DynamoDB table is not in provisioned capacity mode: table/${onDemand}`);
        await refused(
          () => aas.send(new DeregisterScalableTargetCommand({ ServiceNamespace: 'dynamodb', ResourceId, ScalableDimension: WRITES })),
          'ObjectNotFoundException',
          `No scalable target found for service namespace: dynamodb, resource ID: ${ResourceId}, scalable dimension: ${WRITES}`,
        );
        // Nothing was registered by the refused requests.
        const { ScalableTargets } = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: [ResourceId] }));
        assert.deepEqual(ScalableTargets, []);
        await refused(() => aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', NextToken: 'bogus' })), 'InvalidNextTokenException', 'Invalid NextToken');
        await refused(() => aas.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'dynamodb', MaxResults: -1 })), 'ValidationException', 'MaxResults cannot be less than 0');
      }));

    test('policies: types, metrics, registration, duplicates', () =>
      withClient(target(), async (aas) => {
        const { ddb } = target();
        const TableName = await provisionedTable(ddb, 'policed', 1, 1);
        const ResourceId = `table/${TableName}`;
        await refused(
          () => aas.send(new PutScalingPolicyCommand(tracking(TableName))),
          'ObjectNotFoundException',
          `No scalable target registered for service namespace: dynamodb, resource ID: ${ResourceId}, scalable dimension: ${READS}`,
        );
        await register(aas, { ResourceId, MinCapacity: 1, MaxCapacity: 5 });
        await refused(
          () => aas.send(new PutScalingPolicyCommand(tracking(TableName, { PolicyType: 'Bogus' as never }))),
          'ValidationException',
          "1 validation error detected: Value 'Bogus' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [StepScaling, TargetTrackingScaling, PredictiveScaling]",
        );
        await refused(() => aas.send(new PutScalingPolicyCommand(tracking(TableName, { PolicyType: 'StepScaling' }))), 'ValidationException', 'Unsupported policy type StepScaling for service namespace dynamodb');
        await refused(() => aas.send(new PutScalingPolicyCommand(tracking(TableName, { PolicyType: undefined }))), 'ValidationException', 'Unsupported policy type StepScaling for service namespace dynamodb');
        await refused(
          () => aas.send(new PutScalingPolicyCommand(tracking(TableName, { TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBWriteCapacityUtilization' } } }))),
          'ValidationException',
          `Unsupported metric type DynamoDBWriteCapacityUtilization for scalable dimension ${READS}`,
        );
        await refused(
          () => aas.send(new PutScalingPolicyCommand(tracking(TableName, { TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, CustomizedMetricSpecification: { MetricName: 'ConsumedReadCapacityUnits', Namespace: 'AWS/DynamoDB', Statistic: 'Sum' } } }))),
          'ValidationException',
          'CustomizedMetricSpecification is not supported by this server; use PredefinedMetricSpecification',
        );
        await refused(
          () => aas.send(new PutScalingPolicyCommand(tracking(TableName, { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' } } as never }))),
          'ValidationException',
          "1 validation error detected: Value null at 'targetTrackingScalingPolicyConfiguration.targetValue' failed to satisfy constraint: Member must not be null",
        );
        await aas.send(new PutScalingPolicyCommand(tracking(TableName)));
        await refused(
          () => aas.send(new PutScalingPolicyCommand(tracking(TableName, { PolicyName: 'second' }))),
          'ValidationException',
          'Only one TargetTrackingScaling policy for a given metric specification is allowed.',
        );
        await refused(
          () => aas.send(new DeleteScalingPolicyCommand({ PolicyName: 'second', ServiceNamespace: 'dynamodb', ResourceId, ScalableDimension: READS })),
          'ObjectNotFoundException',
          `No scaling policy found for service namespace: dynamodb, resource ID: ${ResourceId}, scalable dimension: ${READS}, policy name: second`,
        );
        await aas.send(new DeleteScalingPolicyCommand({ PolicyName: 'reads', ServiceNamespace: 'dynamodb', ResourceId, ScalableDimension: READS }));
        const { ScalingPolicies } = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId }));
        assert.deepEqual(ScalingPolicies, []);
      }));

    test('other namespaces have nothing registered', () =>
      withClient(target(), async (aas) => {
        const { ScalableTargets } = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
        assert.deepEqual(ScalableTargets, []);
        await refused(
          () => aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'nope' as never })),
          'ValidationException',
          /^1 validation error detected: Value 'nope' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: \[ecs, /,
        );
      }));
  },
  { memoryOnly: true },
);
