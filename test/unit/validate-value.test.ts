import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGES, validateAttributeValue, validateItem } from '../../src/model/validate-value.js';
import { DynamoError, type ErrorName } from '../../src/protocol/errors.js';

function fails(fn: () => unknown, type: ErrorName, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DynamoError, String(err));
    assert.equal(err.message, message);
    assert.equal(err.type, type);
    return true;
  });
}

const invalid = (raw: unknown, message: string): void =>
  fails(() => validateAttributeValue(raw), 'ValidationException', message);
const unserialisable = (raw: unknown, message: string): void =>
  fails(() => validateAttributeValue(raw), 'SerializationException', message);

function nested(levels: number, tag: 'M' | 'L'): unknown {
  let value: unknown = { S: 'x' };
  for (let i = 0; i < levels; i++) value = tag === 'M' ? { M: { a: value } } : { L: [value] };
  return value;
}

describe('validateAttributeValue', () => {
  test('returns normalised values', () => {
    assert.deepEqual(validateAttributeValue({ N: '0012.500' }), { N: '12.5' });
    assert.deepEqual(validateAttributeValue({ S: '' }), { S: '' });
    assert.deepEqual(validateAttributeValue({ B: '' }), { B: '' });
    assert.deepEqual(validateAttributeValue({ NULL: true }), { NULL: true });
    assert.deepEqual(validateAttributeValue({ BOOL: false }), { BOOL: false });
    assert.deepEqual(validateAttributeValue({ SS: ['b', '\ud83d\ude00', '\uffff', 'a'] }), {
      SS: ['a', 'b', '\uffff', '\ud83d\ude00'],
    });
    assert.deepEqual(validateAttributeValue({ NS: ['10', '-1.50', '9'] }), { NS: ['-1.5', '9', '10'] });
    assert.deepEqual(validateAttributeValue({ BS: ['/w==', 'AA==', 'AQ=='] }), { BS: ['AA==', 'AQ==', '/w=='] });
    assert.deepEqual(validateAttributeValue({ L: [{ N: '1.0' }, { M: { x: { NS: ['2E1', '3'] } } }] }), {
      L: [{ N: '1' }, { M: { x: { NS: ['3', '20'] } } }],
    });
  });

  test('requires exactly one type member', () => {
    invalid({}, MESSAGES.empty);
    invalid({ unknown: 'x' }, MESSAGES.empty);
    invalid({ S: null }, MESSAGES.empty);
    invalid({ M: { a: {} } }, MESSAGES.empty);
    invalid({ L: [{}] }, MESSAGES.empty);
    invalid({ S: 'a', N: '1' }, MESSAGES.multiple);
    // Every member is validated before "more than one" is reported.
    invalid({ S: 'a', N: 'b' }, 'The parameter cannot be converted to a numeric value: b');
    invalid({ S: '', N: '' }, 'The parameter cannot be converted to a numeric value');
  });

  test('reports bad numbers with the number messages', () => {
    invalid({ N: '1e126' }, 'Number overflow. Attempting to store a number with magnitude larger than supported range');
    invalid({ NS: ['1', ''] }, 'The parameter cannot be converted to a numeric value');
    invalid({ NS: ['1', 'b'] }, 'The parameter cannot be converted to a numeric value: b');
    invalid({ L: [{ N: '123456789012345678901234567890123456789' }] }, 'Attempting to store more than 38 significant digits in a Number');
  });

  test('rejects empty sets, duplicates and NULL false', () => {
    invalid({ SS: [] }, 'One or more parameter values were invalid: An string set  may not be empty');
    invalid({ NS: [] }, 'One or more parameter values were invalid: An number set  may not be empty');
    invalid({ BS: [] }, 'One or more parameter values were invalid: Binary sets should not be empty');
    invalid({ M: { a: { SS: [] } } }, MESSAGES.emptySS);
    invalid({ SS: ['a', 'a'] }, 'One or more parameter values were invalid: Input collection [a, a] contains duplicates.');
    invalid({ NS: ['1', '1.0'] }, 'Input collection contains duplicates');
    invalid(
      { BS: ['Yg==', 'Yg=='] },
      'One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.',
    );
    invalid({ NULL: false }, 'One or more parameter values were invalid: Null attribute value types must have the value of true');
    invalid({ NULL: 'no' }, MESSAGES.nullNotTrue);
  });

  test('allows 32 levels of nesting and no more', () => {
    for (const tag of ['M', 'L'] as const) {
      assert.doesNotThrow(() => validateAttributeValue(nested(31, tag)));
      invalid(nested(32, tag), MESSAGES.nesting);
    }
  });

  test('rejects wrong JSON types with the deserialiser messages', () => {
    unserialisable('x', 'Unexpected value type in payload');
    unserialisable([], 'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue');
    unserialisable({ S: 5 }, 'NUMBER_VALUE cannot be converted to String');
    unserialisable({ S: 1.5 }, 'DECIMAL_VALUE cannot be converted to String');
    unserialisable({ N: true }, 'TRUE_VALUE cannot be converted to String');
    unserialisable({ S: ['a'] }, 'Unrecognized collection type class java.lang.String');
    unserialisable({ S: { a: 1 } }, 'Start of structure or map found where not expected');
    unserialisable({ BOOL: 1 }, 'NUMBER_VALUE cannot be converted to Boolean');
    unserialisable({ BOOL: 'maybe' }, 'Unexpected token received from parser');
    unserialisable({ B: 5 }, 'only base-64-encoded strings are convertible to bytes');
    unserialisable({ B: 'abc' }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 3');
    unserialisable({ B: 'a!c=' }, 'Invalid last non-pad Base64 character dectected');
    unserialisable({ SS: 'a' }, 'Unexpected field type');
    unserialisable({ L: {} }, 'Start of structure or map found where not expected');
    unserialisable({ M: [] }, 'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>');
    // Deserialisation of the whole value comes before any validation.
    unserialisable({ L: [{ SS: [] }, { S: 5 }] }, 'NUMBER_VALUE cannot be converted to String');
  });

  test('accepts the boolean spellings the deserialiser accepts', () => {
    assert.deepEqual(validateAttributeValue({ BOOL: 'yes' }), { BOOL: true });
    assert.deepEqual(validateAttributeValue({ BOOL: '0' }), { BOOL: false });
  });

  test('wraps validation messages for the caller but never serialisation messages', () => {
    const context = (inner: string): string => `ExpressionAttributeValues contains invalid value: ${inner} for key :v`;
    fails(
      () => validateAttributeValue({ SS: [] }, context),
      'ValidationException',
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
    );
    fails(() => validateAttributeValue({ S: 1 }, context), 'SerializationException', 'NUMBER_VALUE cannot be converted to String');
  });
});

describe('null values', () => {
  const nullValue = 'The supplied Item contains a null AttributeValue';
  const nullInSS = 'One or more parameter values were invalid: An string set may not have a null string as a member';

  test('are refused, named when they are a member of an item or a map', () => {
    invalid(null, nullValue);
    invalid({ L: [null] }, nullValue);
    invalid({ L: [{ S: 'a' }, { M: { b: null } }] }, `${nullValue}: b is null`);
    invalid({ M: { a: { L: [null] } } }, nullValue);
    fails(() => validateItem({ pk: { S: 'a' }, x: { M: { y: null } } }), 'ValidationException', `${nullValue}: y is null`);
    // A null is refused before "more than one datatypes".
    invalid({ S: 'a', L: [null] }, nullValue);
  });

  test('take their turn among the other values of an item', () => {
    fails(() => validateItem({ x: null, e: {} }), 'ValidationException', `${nullValue}: x is null`);
    fails(() => validateItem({ e: {}, x: null }), 'ValidationException', MESSAGES.empty);
    invalid({ L: [null, {}] }, nullValue);
    invalid({ L: [{}, null] }, MESSAGES.empty);
    invalid({ M: { a: { N: 'x' }, b: null } }, 'The parameter cannot be converted to a numeric value: x');
  });

  test('in a set are refused after duplicates', () => {
    invalid({ SS: ['a', null] }, nullInSS);
    invalid({ SS: [null] }, nullInSS);
    invalid({ SS: ['', null] }, nullInSS);
    invalid({ SS: ['a', 'a', null] }, 'One or more parameter values were invalid: Input collection [a, a, null] contains duplicates.');
    invalid({ SS: [null, 'b', null] }, 'One or more parameter values were invalid: Input collection [null, b, null] contains duplicates.');
    invalid({ BS: ['AA==', null] }, nullValue);
    invalid({ BS: [null, null] }, 'One or more parameter values were invalid: Input collection [null, null]of type BS contains duplicates.');
    // Numbers are read before duplicates are looked for, and a null one cannot be read.
    invalid({ NS: ['1', null] }, 'The parameter cannot be converted to a numeric value');
    invalid({ NS: ['1', '1', null] }, 'The parameter cannot be converted to a numeric value');
    invalid({ NS: ['x', null] }, 'The parameter cannot be converted to a numeric value: x');
    invalid({ NS: ['1e126', null] }, 'Number overflow. Attempting to store a number with magnitude larger than supported range');
  });
});

describe('validateItem', () => {
  test('validates every attribute', () => {
    assert.deepEqual(validateItem({ pk: { S: 'a' }, n: { N: '1e2' } }), { pk: { S: 'a' }, n: { N: '100' } });
    fails(() => validateItem({ pk: { S: 'a' }, bad: {} }), 'ValidationException', MESSAGES.empty);
    fails(() => validateItem({ pk: null }), 'ValidationException', 'The supplied Item contains a null AttributeValue: pk is null');
    const tricky = validateItem(JSON.parse('{"__proto__":{"S":"p"},"m":{"M":{"__proto__":{"N":"1"}}}}'));
    assert.deepEqual(Object.keys(tricky), ['__proto__', 'm']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(tricky, '__proto__')?.value, { S: 'p' });
    fails(() => validateAttributeValue({ constructor: { S: 'x' } }), 'ValidationException', MESSAGES.empty);
    fails(() => validateItem([]), 'SerializationException', 'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>');
  });
});
