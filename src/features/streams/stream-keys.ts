/**
 * Where stream state lives in storage. A stream is named inside storage by its
 * table's internal id and its label (23 ASCII characters), which together are
 * unique and short enough to lead every key of the stream:
 *
 * | prefix | record |
 * |---|---|
 * | `0x30` + stream | the stream's fixed description (JSON) |
 * | `0x31` + stream | the stream's head: open shard, trim horizon, where it closed (JSON) |
 * | `0x32` + stream + u32 index | one shard (JSON) |
 * | `0x34` + ARN | the stream's storage name, so ListStreams and ARN look-ups are range reads |
 *
 * The records are the table's change log (engine/change-log.ts); storage
 * format 4 kept them under `0x33` + stream (upgrade-format-4.ts).
 */
import { STREAM_PREFIX } from '../../engine/keyspace.js';

const { META: STREAM, HEAD, SHARD, BY_ARN } = STREAM_PREFIX;

const utf8 = new TextEncoder();

/** The bytes that name a stream inside storage: u32 table id, then the label. */
export function streamName(tableId: number, label: string): Uint8Array {
  const bytes = new Uint8Array(4 + label.length);
  new DataView(bytes.buffer).setUint32(0, tableId);
  bytes.set(utf8.encode(label), 4);
  return bytes;
}

function keyOf(prefix: number, name: Uint8Array, suffix?: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + name.length + (suffix?.length ?? 0));
  key[0] = prefix;
  key.set(name, 1);
  if (suffix !== undefined) key.set(suffix, 1 + name.length);
  return key;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

export const streamKey = (name: Uint8Array) => keyOf(STREAM, name);
export const headKey = (name: Uint8Array) => keyOf(HEAD, name);
export const shardKey = (name: Uint8Array, index: number) => keyOf(SHARD, name, u32(index));
export const shardRange = (name: Uint8Array) => ({ start: keyOf(SHARD, name), end: keyOf(SHARD, name, u32(0xffffffff)) });

/** The descriptions of every stream a table (by internal id) has had. */
export function tableStreamsRange(tableId: number): { start: Uint8Array; end: Uint8Array } {
  return { start: keyOf(STREAM, u32(tableId)), end: keyOf(STREAM, u32(tableId + 1)) };
}

/** The stream's storage name back from its description's key. */
export function nameOfStreamKey(key: Uint8Array): Uint8Array {
  return key.subarray(1);
}

export function arnKey(arn: string): Uint8Array {
  return keyOf(BY_ARN, utf8.encode(arn));
}

export const ARN_KEYS = { start: new Uint8Array([BY_ARN]), end: new Uint8Array([BY_ARN + 1]) };

/** The ARN back from an ARN index key. */
export function arnOfKey(key: Uint8Array): string {
  return new TextDecoder().decode(key.subarray(1));
}
