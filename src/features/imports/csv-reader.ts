/**
 * CSV as ImportTable reads it (developer guide, "Amazon S3 import formats for
 * DynamoDB"): RFC 4180 records (a field in double quotes may hold the
 * delimiter, line breaks and doubled quotes), the delimiter CsvOptions names
 * (a comma by default), the header from the first record unless HeaderList
 * gives it. Every column is a String, except the key attributes of the table
 * and its indexes, which take the type their AttributeDefinitions give.
 */
import { validation } from '../../protocol/errors.js';
import { setOwn } from '../../model/own-property.js';
import { MalformedRecord } from './object-records.js';

/** The fields of one record (its text without the line break that ends it). */
export function csvFields(record: string, delimiter: string): string[] {
  const text = record.endsWith('\r') ? record.slice(0, -1) : record;
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (text[at] === '"') {
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new MalformedRecord('a quoted field is not closed');
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      fields.push(value);
      if (at === text.length) return fields;
      if (text[at] !== delimiter) throw new MalformedRecord('a closing quote is followed by neither the delimiter nor the end of the record');
      at += 1;
    } else {
      const end = text.indexOf(delimiter, at);
      const value = end < 0 ? text.slice(at) : text.slice(at, end);
      if (value.includes('"')) throw new MalformedRecord('a field that is not quoted contains a double quote (escape it by quoting the field and doubling the quote)');
      fields.push(value);
      if (end < 0) return fields;
      at = end + 1;
    }
  }
}

export type KeyTypes = ReadonlyMap<string, 'S' | 'N' | 'B'>;

/**
 * A data record as an item in DynamoDB JSON, its values still to be validated
 * like any written item. An empty key column is left out (so a missing table
 * key is reported as missing, and an empty index key leaves the item out of
 * that index, as for an item written without it); an empty column of any
 * other attribute is an empty String.
 */
export function csvItem(header: readonly string[], fields: readonly string[], keyTypes: KeyTypes): Record<string, unknown> {
  if (fields.length !== header.length) {
    throw validation(`The record has ${fields.length} values but the header names ${header.length} columns`);
  }
  const item: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const value = fields[i]!;
    const type = keyTypes.get(name);
    if (type !== undefined && value === '') return;
    setOwn(item, name, { [type ?? 'S']: value });
  });
  return item;
}
