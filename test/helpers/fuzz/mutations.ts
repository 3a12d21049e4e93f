/**
 * Mutations of a rendered expression, as a careless or hostile client makes
 * them: tokens dropped, doubled or swapped, operators exchanged, parentheses
 * added anywhere, reserved words and undefined placeholders put in, the
 * name and value maps left short, padded or holding bad values, the text cut
 * short or repeated until it passes DynamoDB's limits.
 */
import fc from 'fast-check';
import type { Rendered } from './render.js';

export interface Mutated {
  readonly text: string;
  readonly names: Readonly<Record<string, unknown>>;
  readonly values: Readonly<Record<string, unknown>>;
}

const OPERATORS = ['=', '<>', '<', '<=', '>', '>=', '!=', '==', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', '+', '-', ',', '.', 'SET', 'REMOVE', 'ADD', 'DELETE', 'size', 'and'];
const JUNK = [
  '(', ')', '((', '))', '[', ']', '[0]', '[-1]', '[2147483648]', '[99999999999999999999]', '[007]', '[ 1 ]', '.', ',', '!', '@', '$', '%', '"', "'", '\\', '\u0000', '\u007f', 'é', '😀', '\ud800', ':', '#', ':_', '#_', ':1', '#1',
  ':undefinedValue', '#undefinedName', 'size', 'size()', 'size(a, b)', 'attribute_exists', 'attribute_type(a, :v0)', 'list_append', 'if_not_exists', 'foo(a)', 'contains()', '1', '1.5', '-1', 'name', 'status', 'SELECT', 'TRUE', 'null',
  ':v0', '#n0', 'a', 'a.b', 'a[0].b', ' ', '\n', '\t', 'x'.repeat(300), 'a.'.repeat(40) + 'a', 'a[0]'.repeat(40),
];
const RESERVED = ['name', 'size', 'status', 'data', 'date', 'key', 'value', 'timestamp', 'user', 'type', 'count', 'ABORT', 'zone'];
const BAD_VALUES: unknown[] = [
  {}, { S: 'a', N: '1' }, { N: 'abc' }, { N: '1e126' }, { N: '1'.repeat(39) }, { B: '!!' }, { SS: [] }, { NS: ['1', '1.0'] }, { SS: ['a', 'a'] }, { NULL: false }, { L: [null] }, { M: { a: null } },
  null, 'a', 1, [], { L: [{ L: [{ L: [] }] }] }, { M: { '': { S: 'a' } } }, { S: 'x'.repeat(5000) }, { BOOL: 'true' }, { NS: [1] },
  JSON.parse(`${'{"L":['.repeat(40)}{"N":"1"}${']}'.repeat(40)}`),
];

interface Editable {
  tokens: string[];
  names: Record<string, unknown>;
  values: Record<string, unknown>;
}

type Edit = (m: Editable) => void;

const at = (length: number, position: number) => (length === 0 ? 0 : position % length);

/** Edits of the tokens alone, putting in `junk` and exchanging `operators`. */
function tokenEdit(junk: readonly string[], operators: readonly string[]): fc.Arbitrary<Edit> {
  return fc.oneof(
  fc.nat().map((i): Edit => (m) => void m.tokens.splice(at(m.tokens.length, i), 1)),
  fc.nat().map((i): Edit => (m) => {
    const j = at(m.tokens.length, i);
    m.tokens.splice(j, 0, m.tokens[j] ?? '');
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): Edit => (m) => {
    const [x, y] = [at(m.tokens.length, i), at(m.tokens.length, j)];
    [m.tokens[x], m.tokens[y]] = [m.tokens[y]!, m.tokens[x]!];
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...operators)).map(([i, operator]): Edit => (m) => {
    const places = m.tokens.flatMap((t, k) => (operators.includes(t.toUpperCase()) || operators.includes(t) ? [k] : []));
    const k = places.length > 0 ? places[at(places.length, i)]! : at(m.tokens.length, i);
    m.tokens[k] = operator;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...junk)).map(([i, token]): Edit => (m) => void m.tokens.splice(at(m.tokens.length + 1, i), 0, token)),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 6 })).map(([i, j, depth]): Edit => (m) => {
    const [x, y] = [at(m.tokens.length + 1, i), at(m.tokens.length + 1, j)].sort((p, q) => p - q) as [number, number];
    m.tokens.splice(y, 0, ...Array<string>(depth).fill(')'));
    m.tokens.splice(x, 0, ...Array<string>(depth).fill('('));
  }),
  fc.tuple(fc.constantFrom(' AND ', ' OR ', ', ', ' '), fc.integer({ min: 2, max: 160 })).map(([glue, times]): Edit => (m) => {
    const once = [...m.tokens];
    // Past DynamoDB's limits (300 operators, 4 KB), but not without bound when repeats repeat.
    for (let k = 1; k < times && m.tokens.length < 20_000; k++) m.tokens = m.tokens.concat(glue.trim() || ' ', once);
  }),
  );
}

/** Edits of the values: one left out, or replaced by a bad one. */
const valueEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat().map((i): Edit => (m) => {
    const keys = Object.keys(m.values);
    if (keys.length > 0) delete m.values[keys[at(keys.length, i)]!];
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...BAD_VALUES)).map(([i, value]): Edit => (m) => {
    const keys = Object.keys(m.values);
    m.values[keys.length > 0 ? keys[at(keys.length, i)]! : ':v0'] = value;
  }),
);

const expressionEdit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: tokenEdit(JUNK, OPERATORS) },
  { weight: 2, arbitrary: valueEdit },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...RESERVED)).map(([i, word]): Edit => (m) => {
      const places = m.tokens.flatMap((t, k) => (t.startsWith('#') ? [k] : []));
      if (places.length > 0) m.tokens[places[at(places.length, i)]!] = word;
      else m.tokens.splice(at(m.tokens.length + 1, i), 0, word);
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom(':undefined', '#undefined')).map(([i, placeholder]): Edit => (m) => {
      const places = m.tokens.flatMap((t, k) => (t[0] === placeholder[0] ? [k] : []));
      if (places.length > 0) m.tokens[places[at(places.length, i)]!] = placeholder;
    }),
  },
  {
    weight: 1,
    arbitrary: fc.nat().map((i): Edit => (m) => {
      const keys = Object.keys(m.names);
      if (keys.length > 0) delete m.names[keys[at(keys.length, i)]!];
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Edit>(
      (m) => void (m.names['#unused'] = 'u'),
      (m) => void (m.values[':unused'] = { S: 'u' }),
      (m) => void (m.names['#e'] = ''),
      (m) => void (m.names['bad'] = 'a'),
      (m) => void (m.values['bad'] = { S: 'a' }),
      (m) => void (m.names['#n0'] = 'x'.repeat(70_000)),
      (m) => void (m.names['#n0'] = null),
      (m) => void (m.names['__proto__'] = 'a'),
      (m) => void (m.values[':v0'] = null),
    ),
  },
);

/** Applies one to three edits, and now and then cuts the text or puts a stray character in. */
function edited(tokens: readonly string[], names: Record<string, unknown>, values: Record<string, unknown>, edit: fc.Arbitrary<Edit>): fc.Arbitrary<Editable & { text: string }> {
  return fc.tuple(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(fc.nat(), fc.constantFrom('', '!', '\u0000', '\ud800', '"', "'", ')', 'é')), { freq: 5 })).map(([edits, cut]) => {
    const m: Editable = { tokens: [...tokens], names: { ...names }, values: { ...values } };
    for (const e of edits) e(m);
    let text = m.tokens.join(' ');
    if (cut !== null) {
      const [position, stray] = cut;
      const p = at(text.length + 1, position);
      text = `${text.slice(0, p)}${stray}${stray === '' ? '' : text.slice(p)}`;
    }
    return { ...m, text };
  });
}

export function mutated(rendered: Rendered): fc.Arbitrary<Mutated> {
  return edited(rendered.tokens, rendered.names, rendered.values, expressionEdit).map(({ text, names, values }) => ({ text, names, values }));
}

const PARTIQL_OPERATORS = ['=', '<>', '!=', '<', '<=', '>', '>=', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'IS', 'MISSING', 'NULL', ',', '.', '*', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'FROM', 'WHERE', 'SET', 'REMOVE', 'VALUE', 'INTO', 'RETURNING'];
const PARTIQL_JUNK = [
  ...JUNK.filter((token) => !token.startsWith('#') && !token.startsWith(':')),
  "'", "''", '"', '""', '<<', '>>', '<<>>', '{', '}', '{}', '[]', '?', '??', 'MISSING', 'NULL', 'TRUE', '--', '/*', '*', 'EXISTS', 'EXISTS(', 'ORDER BY a', 'ORDER BY', 'DESC', 'LIMIT 1',
  '"T"."idx"', '."x"', "['k']", '[1.5]', 'size(a)', 'set_add(a, <<1>>)', 'list_append(a, [1])', "'\u0000'", '1e999', '-', '- -1', '.5', '5.', `${'['.repeat(40)}${']'.repeat(40)}`, `${'{\'a\':'.repeat(40)}1${'}'.repeat(40)}`,
];

/** A statement with one to three edits of its tokens or its parameters. */
export function mutatedStatement(tokens: readonly string[], parameters: readonly unknown[]): fc.Arbitrary<{ text: string; parameters: unknown[] }> {
  const values = Object.fromEntries(parameters.map((p, i) => [String(i), p]));
  const edit = fc.oneof({ weight: 5, arbitrary: tokenEdit(PARTIQL_JUNK, PARTIQL_OPERATORS) }, { weight: 1, arbitrary: valueEdit });
  return edited(tokens, {}, values, edit).map(({ text, values: edited }) => ({ text, parameters: Object.values(edited) }));
}
