/**
 * An S3 object's decompressed bytes as records, read as they arrive so an
 * object of any size takes bounded memory: lines for DynamoDB JSON and Ion,
 * RFC 4180 records for CSV (a line break inside double quotes does not end
 * one). The split is made on bytes: UTF-8 never uses the bytes of `"` or of a
 * line break inside another character.
 */

/** A record that cannot be read: DynamoDB then skips the rest of its object ("Import format quotas and validation"). */
export class MalformedRecord extends Error {}

export interface SourceRecord {
  readonly text: string;
  /** The line (from 1) the record starts on. */
  readonly line: number;
  /** Its bytes in the object, with the line break that ends it. */
  readonly size: number;
}

/** Far above any record of a 400 KB item (DynamoDB JSON grows binary data by a third, escapes by up to six times). */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where the record read from `from` ends in `chunk` (the index of its line break, or -1), and how many line breaks it passed; a CSV scanner carries its quote state across chunks. */
type Scanner = (chunk: Uint8Array, from: number) => { end: number; lines: number };

function lineScanner(): Scanner {
  return (chunk, from) => {
    const end = chunk.indexOf(NEWLINE, from);
    return { end, lines: end < 0 ? 0 : 1 };
  };
}

function csvScanner(): Scanner {
  let quoted = false;
  return (chunk, from) => {
    let lines = 0;
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === QUOTE) quoted = !quoted;
      else if (byte === NEWLINE) {
        lines++;
        if (!quoted) return { end: i, lines };
      }
    }
    return { end: -1, lines };
  };
}

function decode(parts: readonly Uint8Array[], line: number): string {
  try {
    return parts.length === 1 ? utf8.decode(parts[0]) : utf8.decode(Buffer.concat(parts));
  } catch {
    throw new MalformedRecord(`line ${line} is not UTF-8`);
  }
}

export async function* sourceRecords(chunks: AsyncIterable<Uint8Array>, csv: boolean, maxBytes = MAX_RECORD_BYTES): AsyncGenerator<SourceRecord> {
  const scan = csv ? csvScanner() : lineScanner();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let line = 1;
  let nextLine = 1;
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const { end, lines } = scan(chunk, from);
      if (end < 0) {
        if (from < chunk.length) {
          pending.push(chunk.subarray(from));
          pendingBytes += chunk.length - from;
        }
        nextLine += lines;
        if (pendingBytes > maxBytes) throw new MalformedRecord(`the record on line ${line} is longer than ${maxBytes} bytes`);
        break;
      }
      pending.push(chunk.subarray(from, end));
      pendingBytes += end - from;
      if (pendingBytes > maxBytes) throw new MalformedRecord(`the record on line ${line} is longer than ${maxBytes} bytes`);
      yield { text: decode(pending, line), line, size: pendingBytes + 1 };
      nextLine += lines;
      line = nextLine;
      pending = [];
      pendingBytes = 0;
      from = end + 1;
    }
  }
  if (pendingBytes > 0) yield { text: decode(pending, line), line, size: pendingBytes };
}
