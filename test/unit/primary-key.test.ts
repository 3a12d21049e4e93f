import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { keyFromItem, keyFromKeyParameter, type KeySchema } from '../../src/model/primary-key.js';
import { DynamoError } from '../../src/protocol/errors.js';

const hashOnly: KeySchema = { hash: { name: 'pk', type: 'S' } };
const composite: KeySchema = { hash: { name: 'pk', type: 'S' }, range: { name: 'sk', type: 'N' } };
const stringRange: KeySchema = { hash: { name: 'pk', type: 'S' }, range: { name: 'sk', type: 'S' } };
const binaryRange: KeySchema = { hash: { name: 'pk', type: 'B' }, range: { name: 'sk', type: 'S' } };

function invalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DynamoError);
    assert.equal(err.type, 'ValidationException');
    assert.equal(err.message, message);
    return true;
  });
}

const MISMATCH = 'The provided key element does not match the schema';

describe('keyFromKeyParameter', () => {
  test('extracts the key', () => {
    assert.deepEqual(keyFromKeyParameter({ pk: { S: 'a' } }, hashOnly), { hash: { S: 'a' } });
    assert.deepEqual(keyFromKeyParameter({ sk: { N: '5' }, pk: { S: 'a' } }, composite), {
      hash: { S: 'a' },
      range: { N: '5' },
    });
  });

  test('rejects keys that do not match the schema', () => {
    invalid(() => keyFromKeyParameter({}, hashOnly), MISMATCH);
    invalid(() => keyFromKeyParameter({ other: { S: 'a' } }, hashOnly), MISMATCH);
    invalid(() => keyFromKeyParameter({ pk: { N: '1' } }, hashOnly), MISMATCH);
    invalid(() => keyFromKeyParameter({ pk: { S: 'a' }, x: { S: 'b' } }, hashOnly), MISMATCH);
    invalid(() => keyFromKeyParameter({ pk: { S: 'a' } }, composite), MISMATCH);
    invalid(() => keyFromKeyParameter({ pk: { S: 'a' }, sk: { S: '1' } }, composite), MISMATCH);
  });

  test('rejects empty and oversized key values', () => {
    invalid(
      () => keyFromKeyParameter({ pk: { S: '' } }, hashOnly),
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    );
    invalid(
      () => keyFromKeyParameter({ pk: { B: '' }, sk: { S: 'x' } }, binaryRange),
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: pk',
    );
    assert.doesNotThrow(() => keyFromKeyParameter({ pk: { S: 'é'.repeat(1024) } }, hashOnly));
    invalid(
      () => keyFromKeyParameter({ pk: { S: 'é'.repeat(1024) + 'x' } }, hashOnly),
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    );
    const bytes1024 = Buffer.alloc(1024, 1).toString('base64');
    assert.doesNotThrow(() => keyFromKeyParameter({ pk: { B: bytes1024 }, sk: { S: 'x'.repeat(1024) } }, binaryRange));
    invalid(
      () => keyFromKeyParameter({ pk: { B: bytes1024 }, sk: { S: 'x'.repeat(1025) } }, binaryRange),
      'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    );
  });
});

describe('keyFromItem', () => {
  test('extracts the key and ignores other attributes', () => {
    assert.deepEqual(keyFromItem({ pk: { S: 'a' }, sk: { N: '1' }, x: { BOOL: true } }, composite), {
      hash: { S: 'a' },
      range: { N: '1' },
    });
  });

  test('names the missing or mistyped key attribute', () => {
    invalid(() => keyFromItem({ x: { S: 'a' } }, hashOnly), 'One or more parameter values were invalid: Missing the key pk in the item');
    invalid(() => keyFromItem({ pk: { S: 'a' } }, composite), 'One or more parameter values were invalid: Missing the key sk in the item');
    invalid(
      () => keyFromItem({ pk: { N: '1' } }, hashOnly),
      'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N',
    );
    invalid(
      () => keyFromItem({ pk: { S: 'a' }, sk: { SS: ['1'] } }, composite),
      'One or more parameter values were invalid: Type mismatch for key sk expected: N actual: SS',
    );
  });

  test('rejects empty key strings', () => {
    invalid(
      () => keyFromItem({ pk: { S: 'a' }, sk: { S: '' } }, stringRange),
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: sk',
    );
  });
});
