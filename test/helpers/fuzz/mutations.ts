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

type Edit = (m: { tokens: string[]; names: Record<string, unknown>; values: Record<string, unknown>; text?: string }) => void;

const at = (length: number, position: number) => (length === 0 ? 0 : position % length);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat().map((i): Edit => (m) => void m.tokens.splice(at(m.tokens.length, i), 1)),
  fc.nat().map((i): Edit => (m) => {
    const j = at(m.tokens.length, i);
    m.tokens.splice(j, 0, m.tokens[j] ?? '');
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): Edit => (m) => {
    const [x, y] = [at(m.tokens.length, i), at(m.tokens.length, j)];
    [m.tokens[x], m.tokens[y]] = [m.tokens[y]!, m.tokens[x]!];
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...OPERATORS)).map(([i, operator]): Edit => (m) => {
    const places = m.tokens.flatMap((t, k) => (OPERATORS.includes(t.toUpperCase()) || OPERATORS.includes(t) ? [k] : []));
    const k = places.length > 0 ? places[at(places.length, i)]! : at(m.tokens.length, i);
    m.tokens[k] = operator;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...JUNK)).map(([i, junk]): Edit => (m) => void m.tokens.splice(at(m.tokens.length + 1, i), 0, junk)),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 6 })).map(([i, j, depth]): Edit => (m) => {
    const [x, y] = [at(m.tokens.length + 1, i), at(m.tokens.length + 1, j)].sort((p, q) => p - q) as [number, number];
    m.tokens.splice(y, 0, ...Array<string>(depth).fill(')'));
    m.tokens.splice(x, 0, ...Array<string>(depth).fill('('));
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...RESERVED)).map(([i, word]): Edit => (m) => {
    const places = m.tokens.flatMap((t, k) => (t.startsWith('#') ? [k] : []));
    if (places.length > 0) m.tokens[places[at(places.length, i)]!] = word;
    else m.tokens.splice(at(m.tokens.length + 1, i), 0, word);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(':undefined', '#undefined')).map(([i, placeholder]): Edit => (m) => {
    const places = m.tokens.flatMap((t, k) => (t[0] === placeholder[0] ? [k] : []));
    if (places.length > 0) m.tokens[places[at(places.length, i)]!] = placeholder;
  }),
  fc.nat().map((i): Edit => (m) => {
    const keys = Object.keys(m.names);
    if (keys.length > 0) delete m.names[keys[at(keys.length, i)]!];
  }),
  fc.nat().map((i): Edit => (m) => {
    const keys = Object.keys(m.values);
    if (keys.length > 0) delete m.values[keys[at(keys.length, i)]!];
  }),
  fc.constantFrom<Edit>(
    (m) => void (m.names['#unused'] = 'u'),
    (m) => void (m.values[':unused'] = { S: 'u' }),
    (m) => void (m.names['#e'] = ''),
    (m) => void (m.names['bad'] = 'a'),
    (m) => void (m.values['bad'] = { S: 'a' }),
    (m) => void (m.names['#n0'] = 'x'.repeat(70_000)),
    (m) => void (m.names['#n0'] = null),
    (m) => void (m.values[':v0'] = null),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...BAD_VALUES)).map(([i, value]): Edit => (m) => {
    const keys = Object.keys(m.values);
    m.values[keys.length > 0 ? keys[at(keys.length, i)]! : ':v0'] = value;
  }),
  fc.tuple(fc.constantFrom(' AND ', ' OR ', ', ', ' '), fc.integer({ min: 2, max: 160 })).map(([glue, times]): Edit => (m) => {
    const once = [...m.tokens];
    for (let k = 1; k < times; k++) m.tokens.push(glue.trim() || ' ', ...once);
  }),
);

/** The rendered expression with one to three edits, and now and then cut or given a stray character. */
export function mutated(rendered: Rendered): fc.Arbitrary<Mutated> {
  return fc.tuple(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(fc.nat(), fc.constantFrom('', '!', '\u0000', '\ud800', '"', ')', 'é')), { freq: 5 })).map(([edits, cut]) => {
    const m = { tokens: [...rendered.tokens], names: { ...rendered.names } as Record<string, unknown>, values: { ...rendered.values } as Record<string, unknown> };
    for (const e of edits) e(m);
    let text = m.tokens.join(' ');
    if (cut !== null) {
      const [position, stray] = cut;
      const p = at(text.length + 1, position);
      text = `${text.slice(0, p)}${stray}${stray === '' ? '' : text.slice(p)}`;
    }
    return { text, names: m.names, values: m.values };
  });
}
