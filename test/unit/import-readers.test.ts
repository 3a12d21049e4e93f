/**
 * The readers of ImportTable's formats: CSV records (RFC 4180 quoting, the
 * header, key attributes typed by their definitions), Ion text as DynamoDB's
 * exports write it, and the splitting of an object's bytes into records
 * across chunk boundaries.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvFields, csvItem } from '../../src/features/imports/csv-reader.js';
import { ionItem } from '../../src/features/imports/ion-reader.js';
import { MalformedRecord, sourceRecords } from '../../src/features/imports/object-records.js';
import { DynamoError } from '../../src/protocol/errors.js';

async function collect(chunks: string[], csv: boolean, max?: number) {
  async function* source() {
    for (const chunk of chunks) yield Buffer.from(chunk);
  }
  const out = [];
  for await (const record of sourceRecords(source(), csv, max)) out.push(record);
  return out;
}

describe('CSV reader', () => {
  test('plain, quoted, doubled quotes, delimiters and line breaks inside quotes', () => {
    assert.deepEqual(csvFields('a,b,c', ','), ['a', 'b', 'c']);
    assert.deepEqual(csvFields('"a,1","say ""hi""",', ','), ['a,1', 'say "hi"', '']);
    assert.deepEqual(csvFields('"two\nlines";x', ';'), ['two\nlines', 'x']);
    assert.deepEqual(csvFields('a\tb\r', '\t'), ['a', 'b']);
    assert.deepEqual(csvFields('', ','), ['']);
    assert.deepEqual(csvFields('""', ','), ['']);
  });

  test('malformed records', () => {
    assert.throws(() => csvFields('"open,b', ','), MalformedRecord);
    assert.throws(() => csvFields('"a"b,c', ','), MalformedRecord);
    assert.throws(() => csvFields('5" screen,b', ','), MalformedRecord);
  });

  test('key attributes take their defined types, the rest are strings; empty keys are left out', () => {
    const types = new Map([['id', 'N' as const], ['bin', 'B' as const]]);
    assert.deepEqual(csvItem(['id', 'name', 'bin', 'note'], ['7', 'x', 'AAE=', ''], types), { id: { N: '7' }, name: { S: 'x' }, bin: { B: 'AAE=' }, note: { S: '' } });
    assert.deepEqual(csvItem(['id', 'name'], ['', 'x'], types), { name: { S: 'x' } });
    assert.deepEqual(Object.keys(csvItem(['__proto__'], ['v'], types)), ['__proto__']);
    assert.throws(() => csvItem(['id', 'name'], ['1'], types), DynamoError);
  });
});

describe('Ion reader', () => {
  test("the developer guide's example item", () => {
    const line = '$ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Dimensions:"8.5 x 11.0 x 1.5",ISBN:"333-3333333333",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,ProductCategory:"Book",Title:"Book 103 Title"}}';
    assert.deepEqual(ionItem(line), {
      Authors: { SS: ['Author1', 'Author2'] },
      Dimensions: { S: '8.5 x 11.0 x 1.5' },
      ISBN: { S: '333-3333333333' },
      Id: { N: '103' },
      InPublication: { BOOL: false },
      PageCount: { N: '6E2' },
      Price: { N: '2E3' },
      ProductCategory: { S: 'Book' },
      Title: { S: 'Book 103 Title' },
    });
  });

  test('every attribute type, quoted names, escapes, comments, typed nulls, ints', () => {
    const line =
      "$ion_1_0 {Item:{'a.b':{{AAEC}}, \"quoted name\": null.string, n:-1.5d-3, i:0x1F, u:1_000, s:\"tab\\there \\u00e9 \\U0001F600\", " +
      "l:[1., \"x\", true, null, {{}}, [], {}], m:{inner:{deep:'''long ''' '''string'''}}, ns:$dynamodb_NS::[1., 2.5], bs:$dynamodb_BS::[{{AA==}}, {{AQ==}}], /* c */ e:{}, el:[]}}";
    assert.deepEqual(ionItem(line), {
      'a.b': { B: 'AAEC' },
      'quoted name': { NULL: true },
      n: { N: '-1.5E-3' },
      i: { N: '31' },
      u: { N: '1000' },
      s: { S: 'tab\there é 😀' },
      l: { L: [{ N: '1' }, { S: 'x' }, { BOOL: true }, { NULL: true }, { B: '' }, { L: [] }, { M: {} }] },
      m: { M: { inner: { M: { deep: { S: 'long string' } } } } },
      ns: { NS: ['1', '2.5'] },
      bs: { BS: ['AA==', 'AQ=='] },
      e: { M: {} },
      el: { L: [] },
    });
  });

  test('blank lines are no item; what is not an Ion item is malformed', () => {
    assert.equal(ionItem('   '), undefined);
    // JSON is Ion: DynamoDB JSON read as Ion is an item of maps.
    assert.deepEqual(ionItem('{"Item": {"a": {"S": "json"}}}'), { a: { M: { S: { S: 'json' } } } });
    for (const bad of [
      '$ion_1_0 {NotItem:{a:"x"}}',
      '$ion_1_0 {Item:{a:"x"}',
      '$ion_1_0 {Item:{a:1e0}}',
      '$ion_1_0 {Item:{a:2007-01-01T}}',
      '$ion_1_0 {Item:{a:sym}}',
      '$ion_1_0 {Item:{a:$dynamodb_SS::[1.]}}',
      '$ion_1_0 {Item:{a:other::"x"}}',
      '$ion_1_0 {Item:{a:"x"}} {Item:{}}',
      '$ion_1_0 {Item:{a:{{not base64!}}}}',
      '$ion_1_0 {Item:{a:(x y)}}',
      '$ion_1_0 {Item:{a:"unterminated}}',
    ]) {
      assert.throws(() => ionItem(bad), MalformedRecord, bad);
    }
  });
});

describe('records of an object', () => {
  test('lines across chunk boundaries, with their line numbers and byte sizes', async () => {
    const records = await collect(['ab', 'c\nd', 'é\n\nlast'], false);
    assert.deepEqual(records.map(({ text, line, size }) => [text, line, size]), [['abc', 1, 4], ['dé', 2, 4], ['', 3, 1], ['last', 4, 4]]);
  });

  test('CSV records keep line breaks inside quotes', async () => {
    const records = await collect(['h1,h2\n"a\n', 'b",c\r\nd,e\n'], true);
    assert.deepEqual(records.map(({ text, line }) => [text, line]), [['h1,h2', 1], ['"a\nb",c\r', 2], ['d,e', 4]]);
  });

  test('a record longer than the limit, or not UTF-8, is malformed', async () => {
    await assert.rejects(collect(['x'.repeat(10), 'y'.repeat(10)], false, 15), MalformedRecord);
    await assert.rejects(
      (async () => {
        async function* source() {
          yield new Uint8Array([0x61, 0xff, 0x0a]);
        }
        for await (const record of sourceRecords(source(), false)) void record;
      })(),
      MalformedRecord,
    );
  });
});
