/**
 * Alarms in storage, one JSON record per alarm under ALARM_PREFIX, keyed by
 * account, region and name, so one account and region's alarms are one
 * range in name order (the order DescribeAlarms lists them in). Names cannot
 * hold control characters (PutMetricAlarm refuses them), so the NUL bytes
 * between the parts never occur inside one.
 */
import type { ReadTransaction, WriteTransaction } from '../../storage/storage.js';
import { ALARM_PREFIX } from '../../engine/keyspace.js';
import { textBytes } from '../../model/key-codec.js';
import type { Namespace } from '../../operations/operation.js';
import type { AlarmRecord } from './alarm-record.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function namespacePrefix(where: Namespace): Uint8Array {
  const place = textBytes(`${where.account}\u0000${where.region}\u0000`);
  const key = new Uint8Array(place.length + 1);
  key[0] = ALARM_PREFIX;
  key.set(place, 1);
  return key;
}

function alarmKey(where: Namespace, name: string): Uint8Array {
  const prefix = namespacePrefix(where);
  const text = textBytes(name);
  const key = new Uint8Array(prefix.length + text.length);
  key.set(prefix);
  key.set(text, prefix.length);
  return key;
}

/** The key just past every key that starts with `prefix`. */
function pastPrefix(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice();
  end[end.length - 1]!++;
  return end;
}

function decode(value: Uint8Array): AlarmRecord {
  return JSON.parse(decoder.decode(value)) as AlarmRecord;
}

export function readAlarm(tx: ReadTransaction, where: Namespace, name: string): AlarmRecord | undefined {
  const stored = tx.get(alarmKey(where, name));
  return stored === undefined ? undefined : decode(stored);
}

/** The account and region's alarms in name order. */
export function readAlarms(tx: ReadTransaction, where: Namespace): AlarmRecord[] {
  const start = namespacePrefix(where);
  return [...tx.range({ start, end: pastPrefix(start) })].map(({ value }) => decode(value));
}

/** Every alarm of every account and region (the evaluator's round). */
export function readAllAlarms(tx: ReadTransaction): AlarmRecord[] {
  return [...tx.range({ start: new Uint8Array([ALARM_PREFIX]), end: new Uint8Array([ALARM_PREFIX + 1]) })].map(({ value }) => decode(value));
}

export function writeAlarm(tx: WriteTransaction, alarm: AlarmRecord): void {
  tx.put(alarmKey(alarm, alarm.AlarmName), encoder.encode(JSON.stringify(alarm)));
}

export function deleteAlarm(tx: WriteTransaction, where: Namespace, name: string): void {
  tx.delete(alarmKey(where, name));
}
