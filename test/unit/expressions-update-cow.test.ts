import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { attributeUpdates, requestExpressions, type Update } from '../../src/expressions/index.js';
import { INVALID_PATH } from '../../src/expressions/item-edit.js';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import { prng } from '../helpers/random.js';

type Values = Record<string, AttributeValue>;
type Step = string | number;

function bind(text: string, values?: Values, names?: Record<string, string>): Update {
  const request = requestExpressions(names, values);
  const bound = request.update(text);
  request.finish();
  return bound;
}

const base: Item = {
  pk: { S: 'k' },
  n: { N: '5' },
  l: { L: [{ S: 'x' }, { M: { deep: { S: 'd' } } }] },
  m: { M: { a: { M: { b: { N: '1' } } }, sibling: { M: { c: { N: '2' } } } } },
};

describe('copy-on-write updates', () => {
  test('untouched attributes and untouched nested containers are shared with the original', () => {
    const out = bind('SET m.a.b = :v, n = :v', { ':v': { N: '9' } }).apply(base);
    assert.equal(out.l, base.l);
    const [outM, baseM] = [out.m as { M: Item }, base.m as { M: Item }];
    assert.notEqual(outM, baseM);
    assert.equal(outM.M.sibling, baseM.M.sibling);
    assert.deepEqual(outM.M.a, { M: { b: { N: '9' } } });
    assert.deepEqual(baseM.M.a, { M: { b: { N: '1' } } });
  });

  test('several edits through one container copy it once and keep every edit', () => {
    const out = bind('SET l[1].deep = :v, l[1].more = :v, l[5] = :v REMOVE l[0]', { ':v': { S: 'new' } }).apply(base);
    assert.deepEqual(out.l, { L: [{ M: { deep: { S: 'new' }, more: { S: 'new' } } }, { S: 'new' }] });
    assert.deepEqual(base.l, { L: [{ S: 'x' }, { M: { deep: { S: 'd' } } }] });
  });

  test('an attribute named __proto__ is added as a member, not as a prototype', () => {
    const out = bind('SET #p = :v, m.#p = :v', { ':v': { S: 'p' } }, { '#p': '__proto__' }).apply(base);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { S: 'p' });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    const nested = (out.m as { M: Item }).M;
    assert.deepEqual(Object.getOwnPropertyDescriptor(nested, '__proto__')?.value, { S: 'p' });
  });
});

describe('legacy AttributeUpdates', () => {
  test('never touch the original item, and share what they leave alone', () => {
    const original: Item = structuredClone(base);
    const updates = attributeUpdates(
      {
        n: { Action: 'ADD', Value: { N: '1' } },
        l: { Action: 'ADD', Value: { L: [{ S: 'more' }] } },
        gone: { Action: 'DELETE' },
        m: { Action: 'PUT', Value: { S: 'flat' } },
        ['__proto__']: { Action: 'PUT', Value: { S: 'p' } },
      },
    );
    const out = updates.apply(original);
    assert.deepEqual(original, base);
    assert.deepEqual(out.n, { N: '6' });
    assert.deepEqual(out.l, { L: [{ S: 'x' }, { M: { deep: { S: 'd' } } }, { S: 'more' }] });
    assert.deepEqual(out.m, { S: 'flat' });
    assert.equal(out.pk, original.pk);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { S: 'p' });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});

// ------------------------------------------------------------ property test against a deep-copying reference

const NAMES = ['attr0', 'attr1', 'attr2', 'attr3'];
const FIELDS = ['f0', 'f1', 'f2'];

function randomValue(random: () => number, depth: number): AttributeValue {
  const pick = random();
  if (depth > 0 && pick < 0.35) {
    const M: Item = {};
    for (const field of FIELDS) if (random() < 0.8) M[field] = randomValue(random, depth - 1);
    return { M };
  }
  if (depth > 0 && pick < 0.65) {
    return { L: Array.from({ length: 1 + Math.floor(random() * 4) }, () => randomValue(random, depth - 1)) };
  }
  return { N: String(Math.floor(random() * 100)) };
}

function randomItem(random: () => number): Item {
  const item: Item = { pk: { S: 'k' } };
  for (const name of NAMES) if (random() < 0.9) item[name] = randomValue(random, 3);
  return item;
}

/** Mostly follows the item's own structure, so most paths are valid; some are not. */
function randomPath(random: () => number, item: Item): Step[] {
  const head = NAMES[Math.floor(random() * NAMES.length)] as string;
  const path: Step[] = [head];
  let current: AttributeValue | undefined = item[head];
  const extra = Math.floor(random() * 4);
  for (let i = 0; i < extra; i++) {
    const wrong = random() < 0.1;
    if (!wrong && (current === undefined || !('M' in current || 'L' in current))) break;
    if (current !== undefined && 'L' in current && !wrong) {
      const index = Math.floor(random() * (current.L.length + 1));
      path.push(index);
      current = current.L[index];
    } else {
      const field = FIELDS[Math.floor(random() * FIELDS.length)] as string;
      path.push(wrong ? Math.floor(random() * 3) : field);
      current = current !== undefined && 'M' in current ? current.M[field] : undefined;
    }
  }
  return path;
}

const pathText = (path: Step[]): string =>
  path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');

type RefAction = { kind: 'SET'; path: Step[]; value: AttributeValue; from?: string } | { kind: 'REMOVE'; path: Step[] };

type Container = { map: Item } | { list: AttributeValue[] };

function refParent(item: Item, path: Step[]): Container {
  let parent: Container = { map: item };
  for (const step of path.slice(0, -1)) {
    const child: AttributeValue | undefined =
      'map' in parent ? (typeof step === 'string' ? parent.map[step] : undefined) : typeof step === 'number' ? parent.list[step] : undefined;
    if (child !== undefined && 'M' in child) parent = { map: child.M as Item };
    else if (child !== undefined && 'L' in child) parent = { list: child.L as AttributeValue[] };
    else throw new Error(INVALID_PATH);
  }
  if ((typeof path[path.length - 1] === 'number') !== 'list' in parent) throw new Error(INVALID_PATH);
  return parent;
}

/** What an update must produce: the same edits made in place on a deep copy. */
function referenceApply(original: Item, actions: RefAction[]): Item {
  const item = structuredClone(original);
  for (const action of actions) {
    if (action.kind !== 'SET') continue;
    const parent = refParent(item, action.path);
    const last = action.path[action.path.length - 1] as Step;
    const value = action.from === undefined ? action.value : structuredClone(original[action.from] as AttributeValue);
    if ('map' in parent) parent.map[last as string] = value;
    else if ((last as number) < parent.list.length) parent.list[last as number] = value;
    else parent.list.push(value);
  }
  const lastOf = (action: RefAction): Step => action.path[action.path.length - 1] as Step;
  const removals = actions.filter((action) => action.kind === 'REMOVE');
  removals.sort((a, b) => {
    const [x, y] = [lastOf(a), lastOf(b)];
    return typeof x === 'number' && typeof y === 'number' ? y - x : 0;
  });
  for (const removal of removals) {
    const parent = refParent(item, removal.path);
    const last = lastOf(removal);
    if ('map' in parent) delete parent.map[last as string];
    else if ((last as number) < parent.list.length) parent.list.splice(last as number, 1);
  }
  return item;
}

function outcome(run: () => Item): Item | string {
  try {
    return run();
  } catch (error) {
    return (error as Error).message;
  }
}

test('property: updates equal in-place edits of a deep copy and never touch the original', () => {
  const random = prng(7);
  let applied = 0;
  let failed = 0;
  for (let round = 0; round < 3000; round++) {
    const original = randomItem(random);
    const snapshot = structuredClone(original);
    const actions: RefAction[] = Array.from({ length: 1 + Math.floor(random() * 4) }, (): RefAction => {
      const path = randomPath(random, original);
      if (random() < 0.3) return { kind: 'REMOVE', path };
      const from = random() < 0.2 ? (NAMES[Math.floor(random() * NAMES.length)] as string) : undefined;
      return { kind: 'SET', path, value: randomValue(random, 2), from };
    });
    // A SET copying a missing attribute fails for another reason, tested elsewhere.
    if (actions.some((action) => action.kind === 'SET' && action.from !== undefined && original[action.from] === undefined)) continue;
    const values: Values = {};
    const sets = actions.flatMap((action, i) => {
      if (action.kind !== 'SET') return [];
      if (action.from !== undefined) return [`${pathText(action.path)} = ${action.from}`];
      values[`:v${i}`] = action.value;
      return [`${pathText(action.path)} = :v${i}`];
    });
    const removes = actions.flatMap((action) => (action.kind === 'REMOVE' ? [pathText(action.path)] : []));
    const text = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].join(' ');
    let update: Update;
    try {
      update = bind(text, sets.length ? values : undefined);
    } catch {
      continue; // overlapping paths: refused before any item is seen
    }
    const expected = outcome(() => referenceApply(original, actions));
    const actual = outcome(() => update.apply(original));
    assert.deepEqual(actual, expected, text);
    assert.deepEqual(original, snapshot, `input changed by ${text}`);
    if (typeof actual === 'string') failed++;
    else applied++;
  }
  assert.ok(applied > 1000 && failed > 100, `applied ${applied}, failed ${failed}`);
});
