/**
 * What `dynalith check` finds wrong with the export records (export-store.ts):
 * a key of no kind the layout defines, a record or token that does not read
 * as JSON, an IN_PROGRESS marker whose export is missing or has ended.
 */
import { EXPORT_PREFIX } from '../../engine/keyspace.js';
import type { ReadTransaction } from '../../storage/storage.js';
import { EXPORT_KEY_KINDS, type ExportRecord } from './export-store.js';

const decoder = new TextDecoder();
const hex = (key: Uint8Array): string => Buffer.from(key).toString('hex');

export function exportRecordProblems(tx: ReadTransaction, readable: (key: Uint8Array) => boolean): string[] {
  const problems: string[] = [];
  for (const { key, value } of tx.range({ start: new Uint8Array([EXPORT_PREFIX]), end: new Uint8Array([EXPORT_PREFIX + 1]) })) {
    if (!readable(key)) continue;
    const kind = key[1];
    try {
      if (kind === EXPORT_KEY_KINDS.RECORD || kind === EXPORT_KEY_KINDS.TOKEN) JSON.parse(decoder.decode(value));
      else if (kind === EXPORT_KEY_KINDS.PENDING) {
        const record = tx.get(key.subarray(2));
        if (record === undefined) problems.push(`export marker ${hex(key)} names no export`);
        else if ((JSON.parse(decoder.decode(record)) as ExportRecord).status !== 'IN_PROGRESS') problems.push(`export marker ${hex(key)} names an export that has ended`);
      } else problems.push(`export record ${hex(key)} is of no known kind`);
    } catch (error) {
      problems.push(`export record ${hex(key)} is unreadable: ${(error as Error).message}`);
    }
  }
  return problems;
}
