/**
 * What an export writes, a page of lines at a time, before any format:
 *
 * - a full export: `{Item}` for each item of the table at the export time,
 *   read from the table's PITR base brought to that time with the logged
 *   changes (features/pitr/items-at-time.ts);
 * - an incremental export: one line per item changed in [from, to) (Developer
 *   Guide, "DynamoDB table export output format", incremental export output):
 *   `Metadata.WriteTimestampMicros` of its last change, its `Keys`, its
 *   `NewImage` unless that change deleted it and, with NEW_AND_OLD_IMAGES, its
 *   `OldImage`, the item as it was at `from`, unless it did not exist then.
 *   An item created and deleted inside the period has no line. The log is
 *   read a page at a time; memory holds the period's changed items (their
 *   first old and last new image), never the table.
 */
import type { Item } from '../../model/attribute-value.js';
import { itemSize } from '../../model/item-size.js';
import { readChanges, readLogHead } from '../../engine/change-log.js';
import type { Storage } from '../../storage/storage.js';
import { dropOverlay, itemPages, prepareAt } from '../pitr/items-at-time.js';
import { keyFromItem, type KeySchema } from '../../model/primary-key.js';
import type { ExportRecord } from './export-store.js';

/**
 * One export line: named attribute maps. A full export's line is `Item`; an
 * incremental one's `Metadata` (itself an attribute map: WriteTimestampMicros
 * as a number), `Keys`, `NewImage` and `OldImage`.
 */
export type ExportLine = Readonly<Record<string, Item>>;

export interface LinePage {
  readonly lines: readonly ExportLine[];
  /** The exported items' size in bytes (DynamoDB's item size), which the export bills. */
  readonly bytes: number;
}

const PAGE = 100;
const LOG_PAGE = 1000;

/** The export's pages of lines; 'wait' while its PITR base is still being copied, 'lost' when it never will be. */
export async function exportPages(storage: Storage, record: ExportRecord, stopped: () => boolean): Promise<AsyncIterable<LinePage> | 'wait' | 'lost' | 'stopped'> {
  const schema = record.keySchema;
  if (record.incremental !== undefined) return incrementalPages(storage, record, schema, record.incremental);
  const base = record.base!;
  const owner = { kind: 'export', id: base.overlay } as const;
  const source = await prepareAt(storage, { account: record.account, region: record.region, baseArn: base.arn, sourceTableId: record.tableId, at: record.exportTime, owner }, stopped);
  if (typeof source !== 'object') return source;
  return (async function* () {
    for await (const items of itemPages(storage, source, PAGE)) {
      yield { lines: items.map((item) => ({ Item: item })), bytes: items.reduce((sum, item) => sum + itemSize(item), 0) };
    }
    await dropOverlay(storage, owner);
  })();
}

interface ItemChanges {
  /** The item at `from`. */
  readonly old: Item | undefined;
  /** After its last change of the period, and when that was (epoch ms). */
  last: Item | undefined;
  at: number;
}

/** The table's changes made in [from, to), read a page of the log at a time: per item, its first old and last new image. */
async function changesInPeriod(storage: Storage, tableId: number, from: number, to: number, schema: KeySchema): Promise<Map<string, ItemChanges>> {
  const changed = new Map<string, ItemChanges>();
  let next = await storage.read((tx) => readLogHead(tx, tableId)?.trimmedBelow);
  while (next !== undefined) {
    const after: number = next;
    const page = await storage.read((tx) => [...readChanges(tx, tableId, after, undefined, LOG_PAGE)]);
    for (const change of page) {
      if (change.at < from || change.at >= to) continue;
      const key = JSON.stringify(keyFromItem((change.new ?? change.old)!, schema));
      const known = changed.get(key);
      if (known === undefined) changed.set(key, { old: change.old, last: change.new, at: change.at });
      else Object.assign(known, { last: change.new, at: change.at });
    }
    next = page.length === LOG_PAGE ? page[page.length - 1]!.sequence + 1 : undefined;
  }
  return changed;
}

function keysOf(item: Item, schema: KeySchema): Item {
  const keys: Item = { [schema.hash.name]: item[schema.hash.name]! };
  if (schema.range !== undefined) keys[schema.range.name] = item[schema.range.name]!;
  return keys;
}

async function* incrementalPages(
  storage: Storage,
  record: ExportRecord,
  schema: KeySchema,
  period: NonNullable<ExportRecord['incremental']>,
): AsyncIterable<LinePage> {
  const changed = await changesInPeriod(storage, record.tableId, period.from, period.to, schema);
  let lines: ExportLine[] = [];
  let bytes = 0;
  for (const { old, last, at } of changed.values()) {
    if (old === undefined && last === undefined) continue;
    lines.push({
      Metadata: { WriteTimestampMicros: { N: String(at * 1000) } },
      Keys: keysOf((last ?? old)!, schema),
      ...(last !== undefined ? { NewImage: last } : {}),
      ...(old !== undefined && period.viewType === 'NEW_AND_OLD_IMAGES' ? { OldImage: old } : {}),
    });
    bytes += itemSize(last ?? old!);
    if (lines.length === PAGE) {
      yield { lines, bytes };
      lines = [];
      bytes = 0;
    }
  }
  if (lines.length > 0) yield { lines, bytes };
}
