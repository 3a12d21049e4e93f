/**
 * Application Auto Scaling's state in storage, shared by every process:
 * scalable targets (with the scaler's sampling state for each), scaling
 * policies and scaling activities, each kind under its own prefix
 * (SCALING_PREFIX) and keyed by account and region first, so one
 * namespace's records are one range. Activities sort newest first.
 */
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { SCALING_PREFIX } from '../../engine/keyspace.js';
import type { Namespace } from '../../operations/operation.js';
import type { TrackingState } from './target-tracking.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SuspendedState {
  readonly DynamicScalingInSuspended: boolean;
  readonly DynamicScalingOutSuspended: boolean;
  readonly ScheduledScalingSuspended: boolean;
}

/** What identifies a scalable target (the service namespace is always dynamodb here). */
export interface TargetId {
  readonly ResourceId: string;
  readonly ScalableDimension: string;
}

export interface ScalableTargetRecord extends TargetId {
  readonly account: string;
  readonly region: string;
  readonly ServiceNamespace: 'dynamodb';
  readonly MinCapacity: number;
  readonly MaxCapacity: number;
  readonly RoleARN: string;
  /** Epoch seconds. */
  readonly CreationTime: number;
  readonly SuspendedState: SuspendedState;
  readonly ScalableTargetARN: string;
  /** The scaler's samples of this target, kept here so whichever process runs the scaler goes on from them. */
  readonly tracking?: TrackingState;
}

export interface TargetTrackingConfiguration {
  readonly TargetValue: number;
  readonly PredefinedMetricSpecification: { readonly PredefinedMetricType: string; readonly ResourceLabel?: string };
  readonly ScaleOutCooldown?: number;
  readonly ScaleInCooldown?: number;
  readonly DisableScaleIn?: boolean;
}

export interface ScalingPolicyRecord extends TargetId {
  readonly account: string;
  readonly region: string;
  readonly ServiceNamespace: 'dynamodb';
  readonly PolicyName: string;
  readonly PolicyARN: string;
  readonly PolicyType: 'TargetTrackingScaling';
  readonly TargetTrackingScalingPolicyConfiguration: TargetTrackingConfiguration;
  /** Epoch seconds. */
  readonly CreationTime: number;
  /** The ids in the names of the policy's high and low alarms, as activities' causes name them. */
  readonly alarmIds: { readonly high: string; readonly low: string };
}

export interface ScalingActivityRecord extends TargetId {
  readonly account: string;
  readonly region: string;
  readonly ServiceNamespace: 'dynamodb';
  readonly ActivityId: string;
  readonly Description: string;
  readonly Cause: string;
  /** Epoch seconds. */
  readonly StartTime: number;
  readonly EndTime: number;
  readonly StatusCode: 'Successful' | 'Failed';
  readonly StatusMessage: string;
}

/** A key: the prefix, then the parts joined by NUL (no part holds one: ids and names are printable). */
function key(prefix: number, parts: readonly string[]): Uint8Array {
  const text = encoder.encode(parts.join('\u0000'));
  const out = new Uint8Array(text.length + 1);
  out[0] = prefix;
  out.set(text, 1);
  return out;
}

/** The range of every key under `parts` (a NUL-terminated prefix of the parts), or of the whole prefix. */
function rangeOf(prefix: number, parts: readonly string[]): { start: Uint8Array; end: Uint8Array } {
  if (parts.length === 0) return { start: new Uint8Array([prefix]), end: new Uint8Array([prefix + 1]) };
  const start = key(prefix, [...parts, '']);
  const end = start.slice();
  end[end.length - 1] = 1;
  return { start, end };
}

function readAll<T>(tx: ReadTransaction, range: { start: Uint8Array; end: Uint8Array }): T[] {
  return [...tx.range(range)].map(({ value }) => JSON.parse(decoder.decode(value)) as T);
}

function put(tx: WriteTransaction, at: Uint8Array, record: object): void {
  tx.put(at, encoder.encode(JSON.stringify(record)));
}

const targetKey = (ns: Namespace, id: TargetId) => key(SCALING_PREFIX.TARGET, [ns.account, ns.region, id.ResourceId, id.ScalableDimension]);
const policyKey = (ns: Namespace, id: TargetId, name: string) =>
  key(SCALING_PREFIX.POLICY, [ns.account, ns.region, id.ResourceId, id.ScalableDimension, name]);

export function getTarget(tx: ReadTransaction, ns: Namespace, id: TargetId): ScalableTargetRecord | undefined {
  const stored = tx.get(targetKey(ns, id));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as ScalableTargetRecord);
}

export function putTarget(tx: WriteTransaction, target: ScalableTargetRecord): void {
  put(tx, targetKey(target, target), target);
}

/** Deletes the target and its policies, as DeregisterScalableTarget does. */
export function deleteTarget(tx: WriteTransaction, ns: Namespace, id: TargetId): void {
  tx.delete(targetKey(ns, id));
  for (const { key: at } of [...tx.range(rangeOf(SCALING_PREFIX.POLICY, [ns.account, ns.region, id.ResourceId, id.ScalableDimension]))]) tx.delete(at);
}

/** A namespace's targets by resource id and dimension, or every namespace's. */
export function listTargets(tx: ReadTransaction, ns?: Namespace): ScalableTargetRecord[] {
  return readAll(tx, rangeOf(SCALING_PREFIX.TARGET, ns === undefined ? [] : [ns.account, ns.region]));
}

export function getPolicy(tx: ReadTransaction, ns: Namespace, id: TargetId, name: string): ScalingPolicyRecord | undefined {
  const stored = tx.get(policyKey(ns, id, name));
  return stored === undefined ? undefined : (JSON.parse(decoder.decode(stored)) as ScalingPolicyRecord);
}

export function putPolicy(tx: WriteTransaction, policy: ScalingPolicyRecord): void {
  put(tx, policyKey(policy, policy, policy.PolicyName), policy);
}

export function deletePolicy(tx: WriteTransaction, ns: Namespace, id: TargetId, name: string): void {
  tx.delete(policyKey(ns, id, name));
}

/** A target's policies, a namespace's, or every namespace's, by resource id, dimension and name. */
export function listPolicies(tx: ReadTransaction, ns?: Namespace, id?: TargetId): ScalingPolicyRecord[] {
  const parts = ns === undefined ? [] : id === undefined ? [ns.account, ns.region] : [ns.account, ns.region, id.ResourceId, id.ScalableDimension];
  return readAll(tx, rangeOf(SCALING_PREFIX.POLICY, parts));
}

/** Newest first: the start time is stored inverted, so later activities sort before earlier ones. */
function activityKey(activity: ScalingActivityRecord): Uint8Array {
  const inverted = (Number.MAX_SAFE_INTEGER - Math.round(activity.StartTime * 1000)).toString(16).padStart(14, '0');
  return key(SCALING_PREFIX.ACTIVITY, [activity.account, activity.region, inverted, activity.ActivityId]);
}

export function putActivity(tx: WriteTransaction, activity: ScalingActivityRecord): void {
  put(tx, activityKey(activity), activity);
}

/** A namespace's activities, newest first. */
export function listActivities(tx: ReadTransaction, ns: Namespace): ScalingActivityRecord[] {
  return readAll(tx, rangeOf(SCALING_PREFIX.ACTIVITY, [ns.account, ns.region]));
}

/**
 * Deletes the activities started before `beforeSeconds` (DescribeScalingActivities
 * covers "the previous six weeks", the API reference says).
 */
export function trimActivities(tx: WriteTransaction, beforeSeconds: number): void {
  for (const { key: at, value } of [...tx.range(rangeOf(SCALING_PREFIX.ACTIVITY, []))]) {
    if ((JSON.parse(decoder.decode(value)) as ScalingActivityRecord).StartTime < beforeSeconds) tx.delete(at);
  }
}
