/**
 * Scalable targets and target-tracking policies as Application Auto Scaling
 * makes them, whichever API asks: its own RegisterScalableTarget and
 * PutScalingPolicy, or DynamoDB's auto scaling settings of global tables
 * (UpdateTableReplicaAutoScaling, UpdateGlobalTableSettings), which are a view
 * of the same targets and policies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Services } from '../../engine/services.js';
import type { Namespace } from '../../operations/operation.js';
import { getTarget, putTarget, type ScalableTargetRecord, type ScalingPolicyRecord, type SuspendedState, type TargetId, type TargetTrackingConfiguration } from './scaling-store.js';
import { currentCapacity, setCapacity } from './capacity-setting.js';

/** Without a role of their own, DynamoDB's targets get the service-linked role. */
export function serviceLinkedRole(account: string): string {
  return `arn:aws:iam::${account}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable`;
}

/** arn:aws:application-autoscaling:<region>:<account>:scalable-target/<id>; DynamoDB targets' ids start with 0d26 in AWS's ARNs. */
function targetArn(ns: Namespace): string {
  return `arn:aws:application-autoscaling:${ns.region}:${ns.account}:scalable-target/0d26${randomBytes(16).toString('hex')}`;
}

export interface TargetSettings {
  readonly min: number;
  readonly max: number;
  readonly RoleARN?: string;
  readonly SuspendedState?: Partial<SuspendedState>;
}

/** What a target's and a policy's records begin with: where they live and what they scale. */
function scaled(ns: Namespace, id: TargetId) {
  return { account: ns.account, region: ns.region, ServiceNamespace: 'dynamodb' as const, ResourceId: id.ResourceId, ScalableDimension: id.ScalableDimension };
}

/** The target with these settings: an existing one keeps its ARN, creation time and what the settings leave out. */
export function targetRecord(ns: Namespace, id: TargetId, settings: TargetSettings, existing: ScalableTargetRecord | undefined): ScalableTargetRecord {
  const suspended = (key: keyof SuspendedState) => settings.SuspendedState?.[key] ?? existing?.SuspendedState[key] ?? false;
  return {
    ...scaled(ns, id),
    MinCapacity: settings.min,
    MaxCapacity: settings.max,
    RoleARN: settings.RoleARN ?? existing?.RoleARN ?? serviceLinkedRole(ns.account),
    CreationTime: existing?.CreationTime ?? Date.now() / 1000,
    SuspendedState: {
      DynamicScalingInSuspended: suspended('DynamicScalingInSuspended'),
      DynamicScalingOutSuspended: suspended('DynamicScalingOutSuspended'),
      ScheduledScalingSuspended: suspended('ScheduledScalingSuspended'),
    },
    ScalableTargetARN: existing?.ScalableTargetARN ?? targetArn(ns),
  };
}

/**
 * Stores the target, keeping the scaler's samples as stored now (it may have
 * taken one since the caller read the target), then sets a capacity outside
 * [MinCapacity, MaxCapacity] to the nearer bound (RegisterScalableTarget's
 * API reference: "it changes the resource's current capacity to a value that
 * is inside of this range"), recorded as a scaling activity with AWS's cause
 * ("minimum capacity was set to 15", from its DescribeScalingActivities examples).
 */
export async function storeTarget(services: Services, target: ScalableTargetRecord): Promise<void> {
  await services.storage.write((tx) => {
    const tracking = getTarget(tx, target, target)?.tracking;
    putTarget(tx, tracking === undefined ? target : { ...target, tracking });
  });
  const capacity = currentCapacity(services, target);
  if (capacity !== undefined && capacity < target.MinCapacity) await setCapacity(services, target, target.MinCapacity, `minimum capacity was set to ${target.MinCapacity}`);
  if (capacity !== undefined && capacity > target.MaxCapacity) await setCapacity(services, target, target.MaxCapacity, `maximum capacity was set to ${target.MaxCapacity}`);
}

/** What a new policy gets: drawn outside the storage callback that stores it, which may run more than once. */
export interface NewPolicyIdentity {
  readonly PolicyARN: string;
  readonly CreationTime: number;
  readonly alarmIds: { readonly high: string; readonly low: string };
}

export function newPolicyIdentity(ns: Namespace, id: TargetId, name: string): NewPolicyIdentity {
  return {
    PolicyARN: `arn:aws:autoscaling:${ns.region}:${ns.account}:scalingPolicy:${randomUUID()}:resource/dynamodb/${id.ResourceId}:policyName/${name}`,
    CreationTime: Date.now() / 1000,
    alarmIds: { high: randomUUID(), low: randomUUID() },
  };
}

/** The policy with this configuration: a policy replaced in place keeps its ARN, creation time and alarms. */
export function policyRecord(
  ns: Namespace,
  id: TargetId,
  name: string,
  config: TargetTrackingConfiguration,
  existing: ScalingPolicyRecord | undefined,
  fresh: NewPolicyIdentity,
): ScalingPolicyRecord {
  return {
    ...scaled(ns, id),
    PolicyName: name,
    PolicyARN: existing?.PolicyARN ?? fresh.PolicyARN,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: config,
    CreationTime: existing?.CreationTime ?? fresh.CreationTime,
    alarmIds: existing?.alarmIds ?? fresh.alarmIds,
  };
}
