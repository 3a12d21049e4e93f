import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addNumbers,
  canonicalNumber,
  compareNumbers,
  subtractNumbers,
  NUMBER_EMPTY,
  NUMBER_OVERFLOW,
  NUMBER_TOO_PRECISE,
  NUMBER_UNDERFLOW,
} from '../../src/model/numbers.js';
import { DynamoError } from '../../src/protocol/errors.js';

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DynamoError);
    assert.equal(err.type, 'ValidationException');
    assert.equal(err.message, message);
    return true;
  });
}

describe('canonicalNumber', () => {
  test('renders the canonical text DynamoDB returns', () => {
    const cases: [string, string][] = [
      ['0012.500', '12.5'],
      ['-0', '0'],
      ['0.000', '0'],
      ['1E2', '100'],
      ['1.5E2', '150'],
      ['1.0e-3', '0.001'],
      ['00042', '42'],
      ['3.1400', '3.14'],
      ['.5', '0.5'],
      ['5.', '5'],
      ['+7', '7'],
      ['-00001.23456789012345678901234567890123456780000', '-1.2345678901234567890123456789012345678'],
      ['0000012345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
      ['0009.99999999999999999999999999999999999990000e125', '9'.repeat(38) + '0'.repeat(88)],
      ['1E+125', '1' + '0'.repeat(125)],
      ['0001.000e-130', '0.' + '0'.repeat(129) + '1'],
      ['-1e-130', '-0.' + '0'.repeat(129) + '1'],
      ['0e999999999999999999', '0'],
    ];
    for (const [input, expected] of cases) assert.equal(canonicalNumber(input), expected, input);
  });

  test('rejects text that is not a number', () => {
    rejects(() => canonicalNumber(''), NUMBER_EMPTY);
    for (const bad of ['abc', '1e', 'e5', '.', '-', '1.2.3', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '1e+-2']) {
      rejects(() => canonicalNumber(bad), `The parameter cannot be converted to a numeric value: ${bad}`);
    }
  });

  test('enforces 38 significant digits, not counting leading or trailing zeros', () => {
    rejects(() => canonicalNumber('123456789012345678901234567890123456789'), NUMBER_TOO_PRECISE);
    rejects(() => canonicalNumber('-1.23456789012345678901234567890123456789'), NUMBER_TOO_PRECISE);
    assert.equal(canonicalNumber('0.00' + '1'.repeat(38) + '000'), '0.00' + '1'.repeat(38));
  });

  test('enforces the magnitude range', () => {
    assert.equal(canonicalNumber('9.9999999999999999999999999999999999999E+125').length, 126);
    rejects(() => canonicalNumber('1E+126'), NUMBER_OVERFLOW);
    rejects(() => canonicalNumber('-1e126'), NUMBER_OVERFLOW);
    rejects(() => canonicalNumber('1e99999999999999999999'), NUMBER_OVERFLOW);
    rejects(() => canonicalNumber('1E-131'), NUMBER_UNDERFLOW);
    rejects(() => canonicalNumber('-0.99e-130'), NUMBER_UNDERFLOW);
    rejects(() => canonicalNumber('1e-99999999999999999999'), NUMBER_UNDERFLOW);
  });

  test('checks overflow before precision, as DynamoDB does', () => {
    rejects(() => canonicalNumber('1'.repeat(40) + 'e100'), NUMBER_OVERFLOW);
    rejects(() => canonicalNumber('1'.repeat(40) + 'e-200'), NUMBER_UNDERFLOW);
  });
});

describe('compareNumbers', () => {
  test('orders exactly, beyond float precision', () => {
    assert.ok(compareNumbers('12345678901234567890123456789012345678', '12345678901234567890123456789012345679') < 0);
    assert.ok(compareNumbers('-1', '-2') > 0);
    assert.ok(compareNumbers('-1e-130', '0') < 0);
    assert.ok(compareNumbers('0', '1e-130') < 0);
    assert.ok(compareNumbers('10', '9.99999') > 0);
    assert.ok(compareNumbers('-10', '-9.99999') < 0);
    assert.equal(compareNumbers('1.0', '01'), 0);
    assert.equal(compareNumbers('1E0', '1'), 0);
    assert.equal(compareNumbers('-0', '0.000'), 0);
  });
});

describe('addNumbers / subtractNumbers', () => {
  test('are exact and canonical', () => {
    assert.equal(addNumbers('0.1', '0.2'), '0.3');
    assert.equal(addNumbers('1', '-1'), '0');
    assert.equal(subtractNumbers('-5', '7.25'), '-12.25');
    assert.equal(addNumbers('9999999999999999999999999999999999999', '1'), '1' + '0'.repeat(37));
    assert.equal(
      addNumbers('1234567890123456789012345678901234567', '0.8'),
      '1234567890123456789012345678901234567.8',
    );
    assert.equal(subtractNumbers('1e-130', '1e-130'), '0');
  });

  test('apply DynamoDB limits to the result', () => {
    rejects(() => addNumbers('9.9999999999999999999999999999999999999E+125', '1e88'), NUMBER_OVERFLOW);
    rejects(() => subtractNumbers('-9.9999999999999999999999999999999999999E+125', '1e88'), NUMBER_OVERFLOW);
    rejects(() => addNumbers('1', '1e-40'), NUMBER_TOO_PRECISE);
    rejects(() => subtractNumbers('1.5e-130', '1.4e-130'), NUMBER_UNDERFLOW);
  });

  test('validate their operands', () => {
    rejects(() => addNumbers('x', '1'), 'The parameter cannot be converted to a numeric value: x');
  });
});
