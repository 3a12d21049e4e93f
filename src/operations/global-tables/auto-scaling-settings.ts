/**
 * DynamoDB's auto scaling settings of a replica's capacity (table or global
 * secondary index, read or write, in one region): a view of Application
 * Auto Scaling's scalable target and target-tracking policy for it
 * (features/autoscaling/), and a way to set them, as
 * UpdateTableReplicaAutoScaling and UpdateGlobalTableSettings do. DynamoDB
 * keeps no state of its own there: settings made through either API show in
 * the other (ack-api-quirks DynamoDB lab, DDB-TABLEREPLICAAUTOSCALING-001).
 * The refusals' texts are live DynamoDB's as that lab recorded them
 * (DDB-TABLE-242, -253, -317), typographic quotes and all.
 */
import { randomUUID } from 'node:crypto';
import type { Services } from '../../engine/services.js';
import type { IndexRecord, TableRecord } from '../../engine/table.js';
import type { ReadTransaction } from '../../storage/storage.js';
import { validation, type DynamoError } from '../../protocol/errors.js';
import { bool, double, int, long, str, struct } from '../../protocol/shape.js';
import type { Access } from '../../features/capacity/throughput-limits.js';
import {
  deletePolicy,
  deleteTarget,
  getPolicy,
  getTarget,
  listPolicies,
  putPolicy,
  type ScalableTargetRecord,
  type ScalingPolicyRecord,
  type TargetId,
  type TargetTrackingConfiguration,
} from '../../features/autoscaling/scaling-store.js';
import { newPolicyIdentity, policyRecord, serviceLinkedRole, storeTarget, targetRecord } from '../../features/autoscaling/target-records.js';

export interface AutoScalingSettingsUpdate {
  readonly MinimumUnits?: number;
  readonly MaximumUnits?: number;
  readonly AutoScalingDisabled?: boolean;
  readonly AutoScalingRoleArn?: string;
  readonly ScalingPolicyUpdate?: {
    readonly PolicyName?: string;
    readonly TargetTrackingScalingPolicyConfiguration: {
      readonly TargetValue: number;
      readonly DisableScaleIn?: boolean;
      readonly ScaleInCooldown?: number;
      readonly ScaleOutCooldown?: number;
    };
  };
}

/** As the API reference declares it (the role ARN's and policy name's character patterns are not checked). */
export const autoScalingSettingsUpdateMember = struct('AutoScalingSettingsUpdate', {
  MinimumUnits: long({ min: 1 }),
  MaximumUnits: long({ min: 1 }),
  AutoScalingDisabled: bool(),
  AutoScalingRoleArn: str({ minLength: 1, maxLength: 1600 }),
  ScalingPolicyUpdate: struct('AutoScalingPolicyUpdate', {
    PolicyName: str({ minLength: 1, maxLength: 256 }),
    TargetTrackingScalingPolicyConfiguration: struct(
      'AutoScalingTargetTrackingScalingPolicyConfigurationUpdate',
      { DisableScaleIn: bool(), ScaleInCooldown: int(), ScaleOutCooldown: int(), TargetValue: double({ required: true }) },
      { required: true },
    ),
  }),
});

/** One capacity of a replica: its table's or a global index's, read or write, in a region. */
export interface Capacity {
  readonly region: string;
  readonly indexName?: string;
  readonly access: Access;
}

export interface ScalingChange extends Capacity {
  readonly update: AutoScalingSettingsUpdate;
}

/** A change once checked: the target's bounds and its one policy, or none of them. */
export type CheckedChange = Capacity & ({ readonly disable: true } | { readonly disable: false; readonly min: number; readonly max: number; readonly policyName: string; readonly config: TargetTrackingConfiguration });

/** The scalable target naming a capacity of the table of this name. */
export function targetIdOf(tableName: string, capacity: Pick<Capacity, 'indexName' | 'access'>): TargetId {
  const index = capacity.indexName;
  return {
    ResourceId: index === undefined ? `table/${tableName}` : `table/${tableName}/index/${index}`,
    ScalableDimension: `dynamodb:${index === undefined ? 'table' : 'index'}:${capacity.access === 'read' ? 'Read' : 'Write'}CapacityUnits`,
  };
}

function metricType(access: Access): string {
  return access === 'read' ? 'DynamoDBReadCapacityUtilization' : 'DynamoDBWriteCapacityUtilization';
}

/** Java's Double.toString, as Application Auto Scaling's messages print numbers ("90.1", "100.0", "8.51592E-109"). */
function javaDouble(value: number): string {
  const magnitude = Math.abs(value);
  if (value !== 0 && (magnitude >= 1e7 || magnitude < 1e-3)) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** An Application Auto Scaling refusal as DynamoDB passes it on: its text, then the Java SDK's account of the call. */
function autoScalingRefusal(message: string): DynamoError {
  return validation(`${message} (Service: AWSApplicationAutoScaling; Status Code: 400; Error Code: ValidationException; Request ID: ${randomUUID()}; Proxy: null)`);
}

/** DynamoDB lists the parameters in this order (recorded: "Parameters 'MaximumUnits', 'ScalingPolicyUpdate', 'MinimumUnits' are required ..."). */
const PARAMETERS = ['MaximumUnits', 'ScalingPolicyUpdate', 'MinimumUnits'] as const;

const listed = (names: readonly string[]) => names.map((name) => `'${name}'`).join(', ');

/** Target values Application Auto Scaling takes for target tracking at all, and for DynamoDB's metrics (DDB-TABLE-253: 19.9 taken, 90.1 refused). */
const ANY_TARGET = { min: 8.51592e-109, max: 1.174271e108 };
const DYNAMODB_TARGET = { min: 10, max: 90 };

/** The change, or DynamoDB's refusal of it; `tableName` names the global table in the refusals. */
export function checkedChange(tableName: string, change: ScalingChange): CheckedChange {
  const { update, ...capacity } = change;
  const given = PARAMETERS.filter((name) => update[name] !== undefined);
  if (update.AutoScalingDisabled === true) {
    // This text has no colon after the name; the "required" one has (both as recorded).
    if (given.length > 0) throw validation(`Failed to update settings for global table with name ‘${tableName}’: Parameters ${listed(given)} must be left blank when disabling auto scaling.`);
    return { ...capacity, disable: true };
  }
  const missing = PARAMETERS.filter((name) => update[name] === undefined);
  if (missing.length > 0) {
    throw validation(`Failed to update settings for global table with name: ‘${tableName}’: Parameters ${listed(missing)} are required unless auto scaling is being disabled.`);
  }
  const min = update.MinimumUnits!;
  const max = update.MaximumUnits!;
  const policy = update.ScalingPolicyUpdate!;
  const { TargetValue, DisableScaleIn, ScaleInCooldown, ScaleOutCooldown } = policy.TargetTrackingScalingPolicyConfiguration;
  if (max < min) throw autoScalingRefusal('Maximum capacity cannot be less than minimum capacity');
  const metric = metricType(change.access);
  if (!(TargetValue >= ANY_TARGET.min && TargetValue <= ANY_TARGET.max)) {
    throw autoScalingRefusal(`For target tracking scaling, target value must be between '${javaDouble(ANY_TARGET.min)}' and '${javaDouble(ANY_TARGET.max)}', but was '${javaDouble(TargetValue)}'.`);
  }
  if (TargetValue < DYNAMODB_TARGET.min || TargetValue > DYNAMODB_TARGET.max) {
    throw autoScalingRefusal(
      `For predefined metric type ${metric}, target value must be between '${javaDouble(DYNAMODB_TARGET.min)}' and '${javaDouble(DYNAMODB_TARGET.max)}', but was '${javaDouble(TargetValue)}'.`,
    );
  }
  const config: TargetTrackingConfiguration = {
    TargetValue,
    PredefinedMetricSpecification: { PredefinedMetricType: metric },
    ...(ScaleOutCooldown !== undefined ? { ScaleOutCooldown } : {}),
    ...(ScaleInCooldown !== undefined ? { ScaleInCooldown } : {}),
    ...(DisableScaleIn !== undefined ? { DisableScaleIn } : {}),
  };
  // Without a name the policy gets the one DynamoDB's console gives (recorded: "DynamoDBWriteCapacityUtilization:table/<name>").
  const policyName = policy.PolicyName ?? `${metric}:${targetIdOf(tableName, capacity).ResourceId}`;
  return { ...capacity, disable: false, min, max, policyName, config };
}

/**
 * Makes the change in Application Auto Scaling: disabling deregisters the
 * target with its policies (DDB-TABLE-242: "disable == DeregisterScalableTarget");
 * setting registers it with the service-linked role, whatever role was asked
 * for, and makes the policy its only one, a new name replacing the old
 * (DDB-TABLEREPLICAAUTOSCALING-001), then brings the capacity within the bounds.
 */
export async function applyChange(services: Services, account: string, tableName: string, change: CheckedChange): Promise<void> {
  const { storage } = services;
  const ns = { account, region: change.region };
  const id = targetIdOf(tableName, change);
  if (change.disable) {
    await storage.write((tx) => {
      if (getTarget(tx, ns, id) !== undefined) deleteTarget(tx, ns, id);
    });
    return;
  }
  const existing = await storage.read((tx) => getTarget(tx, ns, id));
  const fresh = newPolicyIdentity(ns, id, change.policyName);
  await storeTarget(services, targetRecord(ns, id, { min: change.min, max: change.max, RoleARN: serviceLinkedRole(account) }, existing));
  await storage.write((tx) => {
    for (const other of listPolicies(tx, ns, id)) if (other.PolicyName !== change.policyName) deletePolicy(tx, ns, id, other.PolicyName);
    putPolicy(tx, policyRecord(ns, id, change.policyName, change.config, getPolicy(tx, ns, id, change.policyName), fresh));
  });
}

/** What Application Auto Scaling holds for one capacity. */
interface Scaling {
  readonly target: ScalableTargetRecord | undefined;
  readonly policies: readonly ScalingPolicyRecord[];
}

function scalingOf(tx: ReadTransaction, table: TableRecord, capacity: Pick<Capacity, 'indexName' | 'access'>): Scaling {
  const id = targetIdOf(table.TableName, capacity);
  const target = getTarget(tx, table, id);
  return { target, policies: target === undefined ? [] : listPolicies(tx, table, id) };
}

function policyDescription(policy: ScalingPolicyRecord): Record<string, unknown> {
  const { TargetValue, DisableScaleIn, ScaleInCooldown, ScaleOutCooldown } = policy.TargetTrackingScalingPolicyConfiguration;
  return {
    PolicyName: policy.PolicyName,
    TargetTrackingScalingPolicyConfiguration: {
      ...(DisableScaleIn !== undefined ? { DisableScaleIn } : {}),
      ...(ScaleInCooldown !== undefined ? { ScaleInCooldown } : {}),
      ...(ScaleOutCooldown !== undefined ? { ScaleOutCooldown } : {}),
      TargetValue,
    },
  };
}

/**
 * AutoScalingSettingsDescription, in the shapes recorded (DDB-TABLE-189,
 * -317): a target with a policy on a provisioned table shows its bounds,
 * role and policies; one on an on-demand table (or without a policy) the same
 * with AutoScalingDisabled; no target `unset`, which each operation words its way.
 */
function settingsDescription(scaling: Scaling, table: TableRecord, unset: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { target, policies } = scaling;
  if (target === undefined) return { ...unset };
  const disabled = table.BillingMode !== 'PROVISIONED' || policies.length === 0;
  return {
    MinimumUnits: target.MinCapacity,
    MaximumUnits: target.MaxCapacity,
    ...(disabled ? { AutoScalingDisabled: true } : {}),
    AutoScalingRoleArn: target.RoleARN,
    ScalingPolicies: policies.map(policyDescription),
  };
}

/** The auto scaling settings of a replica's table and of each of its global indexes. */
export interface ReplicaScaling {
  readonly read: Record<string, unknown>;
  readonly write: Record<string, unknown>;
  readonly indexes: readonly { readonly index: IndexRecord; readonly read: Record<string, unknown>; readonly write: Record<string, unknown> }[];
}

export function replicaScaling(tx: ReadTransaction, table: TableRecord, unset: Readonly<Record<string, unknown>>): ReplicaScaling {
  const described = (indexName?: string) => ({
    read: settingsDescription(scalingOf(tx, table, { indexName, access: 'read' }), table, unset),
    write: settingsDescription(scalingOf(tx, table, { indexName, access: 'write' }), table, unset),
  });
  return {
    ...described(),
    indexes: table.GlobalSecondaryIndexes.filter((index) => index.IndexStatus !== 'DELETING').map((index) => ({ index, ...described(index.IndexName) })),
  };
}

/**
 * The legacy settings' member that sets a capacity's auto scaling. Recorded
 * for a replica's reads (DDB-TABLE-317: "... to set parameters:
 * 'ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate'"), so DynamoDB
 * names them so for both APIs; the others are taken to follow suit.
 */
function settingsMember(capacity: Capacity): string {
  if (capacity.indexName !== undefined) return capacity.access === 'read' ? 'ProvisionedReadCapacityAutoScalingSettingsUpdate' : 'ProvisionedWriteCapacityAutoScalingSettingsUpdate';
  return capacity.access === 'read' ? 'ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate' : 'GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate';
}

/**
 * Auto scaling is set only on provisioned replicas (recorded, DDB-TABLE-317,
 * with its stray closing quote and upper-case regions); disabling it is
 * taken on any.
 */
export function checkProvisioned(tableName: string, replicas: readonly TableRecord[], changes: readonly CheckedChange[]): void {
  const onDemand = replicas.filter((replica) => replica.BillingMode !== 'PROVISIONED').map((replica) => `'${replica.region.toUpperCase()}'`);
  const members = [...new Set(changes.filter((change) => !change.disable).map(settingsMember))];
  if (onDemand.length === 0 || members.length === 0) return;
  throw validation(
    `Failed to update global table with name ‘${tableName}‘. Replicas ${onDemand.sort().join(', ')} BillingMode is PayPerRequest. ` +
      `You must convert table's BillingMode to PROVISIONED to set parameters: ${listed(members)}.`,
  );
}
