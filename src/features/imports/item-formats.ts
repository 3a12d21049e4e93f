/**
 * One record of an S3 object as the item it stands for, in DynamoDB JSON (its
 * values validated afterwards like any written item's), per InputFormat:
 * DYNAMODB_JSON lines are `{"Item":{...}}` as DynamoDB's exports write them,
 * ION lines `$ion_1_0 {Item:{...}}` (ion-reader.ts), CSV records columns under
 * a header (csv-reader.ts). A record that is not of its format throws
 * MalformedRecord; a blank line is no item, neither imported nor an error
 * (measured against DynamoDB: scylladb's test/alternator/test_import.py).
 */
import type { TableRecord } from '../../engine/table.js';
import { csvFields, csvItem, type KeyTypes } from './csv-reader.js';
import { ionItem } from './ion-reader.js';
import type { CsvOptions, InputFormat } from './import-store.js';
import { MalformedRecord, type SourceRecord } from './object-records.js';

export type RecordReader = (record: SourceRecord) => Record<string, unknown> | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonItem(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedRecord(`Not DynamoDB JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || !Object.hasOwn(parsed, 'Item') || !isObject(parsed.Item)) throw new MalformedRecord('Not DynamoDB JSON: the line has no Item object');
  return parsed.Item;
}

/** The CSV reader of one object: its first record is the header unless HeaderList gives one. */
function csvReader(options: CsvOptions | undefined, table: TableRecord): RecordReader {
  const delimiter = options?.Delimiter ?? ',';
  const keyTypes: KeyTypes = new Map(table.AttributeDefinitions.map((definition) => [definition.AttributeName, definition.AttributeType]));
  let header = options?.HeaderList;
  return (record) => {
    const fields = csvFields(record.text, delimiter);
    if (header === undefined) {
      header = fields;
      return undefined;
    }
    return csvItem(header, fields, keyTypes);
  };
}

/** A reader for one object (a CSV header holds for its own object only). */
export function recordReader(format: InputFormat, csv: CsvOptions | undefined, table: TableRecord): RecordReader {
  const read: RecordReader = format === 'CSV' ? csvReader(csv, table) : format === 'ION' ? (record) => ionItem(record.text) : (record) => jsonItem(record.text);
  return (record) => (record.text.trim() === '' ? undefined : read(record));
}
