import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue } from '../../src/model/attribute-value.js';
import { DynamoError } from '../../src/protocol/errors.js';
import { tokenize } from '../../src/partiql/lexer.js';
import { parseStatement } from '../../src/partiql/parser.js';
import { Binding, equalities, resolveValue } from '../../src/partiql/bind.js';
import { prng } from '../helpers/random.js';

const bind = (text: string, parameters: AttributeValue[] = []) => new Binding(parseStatement(text), parameters);

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DynamoError) return error.message;
    throw error;
  }
  throw new Error('expected a DynamoError');
}

describe('PartiQL lexer', () => {
  test("a doubled quote stands for one, in string literals and quoted identifiers (seeded property)", () => {
    const random = prng(7);
    const alphabet = ["'", '"', 'a', 'Z', ' ', '0', '.', 'é'];
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const [literal] = tokenize(`'${text.replaceAll("'", "''")}'`);
      assert.deepEqual([literal?.kind, literal?.text], ['string', text]);
      const [identifier] = tokenize(`"${text.replaceAll('"', '""')}"`);
      assert.deepEqual([identifier?.kind, identifier?.text], ['quoted', text]);
    }
  });

  test('an unterminated literal is malformed', () => {
    assert.equal(messageOf(() => tokenize("'abc")), "Statement wasn't well formed, can't be processed: Unterminated string literal");
  });
});

describe('PartiQL values', () => {
  test('literals, containers, sets and parameters resolve to attribute values', () => {
    const statement = parseStatement(`INSERT INTO "T" VALUE {'s': 'it''s', 'n': -012.50, 'b': TRUE, 'z': NULL, 'l': [1, ?], 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>, 'gone': MISSING, 'm': {'k': ?}}`);
    assert.equal(statement.kind, 'insert');
    if (statement.kind !== 'insert') return;
    const value = resolveValue(statement.item, [{ S: 'p0' }, { BOOL: false }]);
    assert.deepEqual(value, {
      M: {
        s: { S: "it's" },
        n: { N: '-12.5' },
        b: { BOOL: true },
        z: { NULL: true },
        l: { L: [{ N: '1' }, { S: 'p0' }] },
        ss: { SS: ['a', 'b'] },
        ns: { NS: ['1', '2'] },
        m: { M: { k: { BOOL: false } } },
      },
    });
  });

  test('a set mixing types is refused', () => {
    assert.equal(
      messageOf(() => bind(`SELECT * FROM "T" WHERE a = <<'a', 1>>`)),
      'Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags',
    );
  });

  test('a literal nested 100,000 levels deep is refused at its 33rd level, without exhausting the stack', () => {
    const deep = (open: string, close: string) => `INSERT INTO "T" VALUE {'k': 1, 'd': ${open.repeat(100_000)}1${close.repeat(100_000)}}`;
    assert.equal(messageOf(() => parseStatement(deep('[', ']'))), `Nesting Levels have exceeded supported limits under root${'[0]'.repeat(32)}`);
    assert.equal(messageOf(() => parseStatement(deep("{'a':", '}'))), `Nesting Levels have exceeded supported limits under root${'.a'.repeat(32)}`);
  });
});

describe('PartiQL statements', () => {
  test('parses are cached and frozen', () => {
    const text = `SELECT a.b[1], "c" FROM "T"."I" WHERE k = 1 ORDER BY s DESC`;
    const statement = parseStatement(text);
    assert.equal(parseStatement(text), statement);
    assert.ok(Object.isFrozen(statement));
    assert.equal(statement.kind, 'select');
    if (statement.kind !== 'select') return;
    assert.deepEqual(statement.target, { table: 'T', index: 'I' });
    assert.deepEqual(statement.projection?.map((p) => p.label), ['b[1]', 'c']);
    assert.equal(statement.orderBy?.[0]?.descending, true);
  });

  test('malformed statements get DynamoDB\'s envelope', () => {
    for (const text of ['SELECTT * FROM "T"', 'SELECT * FROM "T" WHERE', 'UPDATE "T" WHERE a = 1', 'INSERT INTO "T" VALUE [1]', 'DELETE FROM "T" RETURNING ALL *']) {
      assert.match(messageOf(() => parseStatement(text)), /^Statement wasn't well formed, can't be processed: /, text);
    }
  });

  test('keywords are case-insensitive; reserved words of expressions are fine as names', () => {
    const binding = bind(`update "T" set data = 'x' where pk = 'a' and "size" = 3`);
    assert.deepEqual([...equalities((binding.statement as { where?: never }).where, binding)], [
      ['pk', { S: 'a' }],
      ['size', { N: '3' }],
    ]);
  });

  test('the parameter count must match the statement', () => {
    assert.equal(messageOf(() => bind(`SELECT * FROM "T" WHERE a = ?`)), "Number of parameters in request and statement don't match.");
    assert.equal(messageOf(() => bind(`SELECT * FROM "T"`, [{ S: 'x' }])), "Number of parameters in request and statement don't match.");
  });
});

describe('PartiQL WHERE evaluates with the expression evaluator', () => {
  const item = { pk: { S: 'a' }, n: { N: '5' }, l: { L: [{ S: 'x' }] }, ss: { SS: ['p', 'q'] } };
  const holds = (where: string, parameters: AttributeValue[] = []) => {
    const binding = bind(`SELECT * FROM "T" WHERE ${where}`, parameters);
    const statement = binding.statement;
    if (statement.kind !== 'select' || statement.where === undefined) throw new Error('no WHERE');
    return binding.condition(statement.where)(item);
  };

  test('comparisons, functions, IN, BETWEEN, MISSING and NULL', () => {
    const cases: [string, boolean][] = [
      ['n = 5', true],
      ['n <> 5', false],
      ['n != 4', true],
      ['5 < n', false],
      ['n BETWEEN 1 AND 5', true],
      ['n IN [1, 2]', false],
      ['n NOT IN (1, 2)', true],
      ["begins_with(pk, 'a')", true],
      ["contains(ss, 'q') AND contains(l, 'x')", true],
      ['size(l) = 1', true],
      ['missing_attr IS MISSING AND n IS NOT MISSING', true],
      ['n IS NULL', false],
      ["attribute_type(n, 'N')", true],
      ["NOT (n = 5 OR pk = 'b')", false],
      ['l[0] = ?', true],
    ];
    for (const [where, expected] of cases) assert.equal(holds(where, where.includes('?') ? [{ S: 'x' }] : []), expected, where);
  });

  test('semantic faults are reported bare, in the expression module\'s words', () => {
    assert.equal(
      messageOf(() => holds('n BETWEEN 5 AND 1')),
      'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
    );
  });
});
