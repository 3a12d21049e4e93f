/**
 * The stored value of an item and of an index entry: the item's DynamoDB size
 * as a 4-byte big-endian unsigned integer, then its DynamoDB-JSON text in
 * UTF-8. Readers learn the size (capacity, the 1 MB page limit, counters)
 * without parsing the text, and answer with the text as it is when they need
 * nothing inside it.
 */
import type { Item } from '../model/attribute-value.js';

const SIZE_BYTES = 4;

const decoder = new TextDecoder();

/** `text` must be the JSON of an item whose DynamoDB size is `size`. */
export function encodeStored(text: string, size: number): Uint8Array {
  const out = Buffer.allocUnsafe(SIZE_BYTES + Buffer.byteLength(text));
  out.writeUInt32BE(size, 0);
  out.write(text, SIZE_BYTES);
  return out;
}

export function storedSize(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function storedText(bytes: Uint8Array): string {
  return decoder.decode(bytes.subarray(SIZE_BYTES));
}

export function decodeStored(bytes: Uint8Array): Item {
  return JSON.parse(storedText(bytes)) as Item;
}

/**
 * A stored item read back: its size and text at once, the parsed item only
 * when someone asks for it.
 */
export class StoredItem {
  private parsed: Item | undefined;

  constructor(
    readonly text: string,
    readonly size: number,
  ) {}

  static of(bytes: Uint8Array): StoredItem {
    return new StoredItem(storedText(bytes), storedSize(bytes));
  }

  get item(): Item {
    return (this.parsed ??= JSON.parse(this.text) as Item);
  }
}
