/**
 * Projection, key condition and update expressions generated from DynamoDB's
 * grammar, with the model's reading of projections and key conditions.
 */
import fc from 'fast-check';
import type { Comparator } from './conditions.js';
import { numberValue, path, poolValue, type Path } from './documents.js';
import type { Renderer } from './render.js';
import { compareKeys, type Item, type Value } from './values.js';

// ---------------------------------------------------------------- projections

/** Whether two paths may be projected together: neither within the other, and no list read as a map too. */
function compatible(a: Path, b: Path): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    return i === 0 || typeof a[i] === typeof b[i];
  }
  return false;
}

export const projection: fc.Arbitrary<Path[]> = fc.uniqueArray(path, { minLength: 1, maxLength: 5, comparator: (a, b) => !compatible(a, b) });

export function renderProjection(renderer: Renderer, paths: readonly Path[]): string[] {
  return paths.flatMap((p, i) => (i > 0 ? [',', ...renderer.path(p)] : renderer.path(p)));
}

/** Which parts of a value a projection keeps: a whole value (`true`), or map members or list elements. */
type Tree = Map<string | number, Tree | true>;

function kept(paths: readonly Path[]): Tree {
  const root: Tree = new Map();
  for (const p of paths) {
    let node = root;
    p.forEach((step, i) => {
      if (i === p.length - 1) node.set(step, true);
      else {
        const next = node.get(step);
        const child: Tree = next instanceof Map ? next : new Map();
        node.set(step, child);
        node = child;
      }
    });
  }
  return root;
}

function keep(value: Value, node: Tree | true): Value | undefined {
  if (node === true) return value;
  const steps = [...node.keys()];
  if ('L' in value && typeof steps[0] === 'number') {
    const L = (steps as number[])
      .sort((x, y) => x - y)
      .flatMap((i) => {
        const element = value.L[i];
        const part = element === undefined ? undefined : keep(element, node.get(i)!);
        return part === undefined ? [] : [part];
      });
    return L.length > 0 ? { L } : undefined;
  }
  if ('M' in value && typeof steps[0] === 'string') {
    const M = Object.fromEntries(
      (steps as string[]).flatMap((name) => {
        const part = Object.hasOwn(value.M, name) ? keep(value.M[name]!, node.get(name)!) : undefined;
        return part === undefined ? [] : [[name, part]];
      }),
    );
    return Object.keys(M).length > 0 ? { M } : undefined;
  }
  return undefined;
}

/** The item as a projection returns it: the paths' values in their places, list elements compacted in index order. */
export function project(item: Item, paths: readonly Path[]): Item {
  const root = kept(paths);
  return Object.fromEntries(
    [...root].flatMap(([name, node]) => {
      const part = Object.hasOwn(item, name) ? keep(item[name as string]!, node) : undefined;
      return part === undefined ? [] : [[name, part]];
    }),
  );
}

// ---------------------------------------------------------------- key conditions

export type SortCondition =
  | { readonly kind: 'compare'; readonly operator: Exclude<Comparator, '<>'>; readonly value: Value }
  | { readonly kind: 'between'; readonly low: Value; readonly high: Value }
  | { readonly kind: 'begins_with'; readonly value: Value };

/** A condition on a sort key of the type of `sample`'s values, or none. */
export function sortCondition(values: fc.Arbitrary<Value>, prefixes: boolean): fc.Arbitrary<SortCondition | undefined> {
  const options: fc.Arbitrary<SortCondition | undefined>[] = [
    fc.constant(undefined),
    fc.tuple(fc.constantFrom<Exclude<Comparator, '<>'>>('=', '<', '<=', '>', '>='), values).map(([operator, value]) => ({ kind: 'compare' as const, operator, value })),
    fc.tuple(values, values).map(([x, y]) => {
      const [low, high] = compareKeys(x, y) <= 0 ? [x, y] : [y, x];
      return { kind: 'between' as const, low, high };
    }),
  ];
  if (prefixes) options.push(values.map((value) => ({ kind: 'begins_with' as const, value })));
  return fc.oneof(...options);
}

export function renderKeyCondition(renderer: Renderer, partition: Value, sort: SortCondition | undefined, sortFirst: boolean): string[] {
  const pk = [...renderer.path(['pk']), '=', renderer.value(partition)];
  if (sort === undefined) return pk;
  const sk = renderer.path(['sk']);
  let tokens: string[];
  switch (sort.kind) {
    case 'compare':
      tokens = [...sk, sort.operator, renderer.value(sort.value)];
      break;
    case 'between':
      tokens = [...sk, renderer.keyword('BETWEEN'), renderer.value(sort.low), renderer.keyword('AND'), renderer.value(sort.high)];
      break;
    case 'begins_with':
      tokens = ['begins_with', '(', ...sk, ',', renderer.value(sort.value), ')'];
      break;
  }
  return sortFirst ? [...tokens, renderer.keyword('AND'), ...pk] : [...pk, renderer.keyword('AND'), ...tokens];
}

/** Whether a sort key value meets the condition. */
export function sortHolds(sort: SortCondition | undefined, value: Value): boolean {
  if (sort === undefined) return true;
  switch (sort.kind) {
    case 'compare': {
      const order = compareKeys(value, sort.value);
      return { '=': order === 0, '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[sort.operator];
    }
    case 'between':
      return compareKeys(value, sort.low) >= 0 && compareKeys(value, sort.high) <= 0;
    case 'begins_with':
      if ('S' in value && 'S' in sort.value) return value.S.startsWith(sort.value.S);
      if ('B' in value && 'B' in sort.value) {
        const prefix = Buffer.from(sort.value.B, 'base64');
        return Buffer.from(value.B, 'base64').subarray(0, prefix.length).equals(prefix);
      }
      return false;
  }
}

// ---------------------------------------------------------------- updates

type SetValue =
  | { readonly kind: 'path'; readonly path: Path }
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'if_not_exists'; readonly path: Path; readonly value: Value }
  | { readonly kind: 'list_append'; readonly left: SetValue; readonly right: SetValue }
  | { readonly kind: '+' | '-'; readonly left: SetValue; readonly right: SetValue };

export type UpdateAction =
  | { readonly kind: 'SET'; readonly path: Path; readonly value: SetValue }
  | { readonly kind: 'REMOVE'; readonly path: Path }
  | { readonly kind: 'ADD' | 'DELETE'; readonly path: Path; readonly value: Value };

const simpleSetValue = fc.oneof(path.map((p): SetValue => ({ kind: 'path', path: p })), poolValue().map((v): SetValue => ({ kind: 'value', value: v })));
const setValue: fc.Arbitrary<SetValue> = fc.oneof(
  { weight: 3, arbitrary: simpleSetValue },
  { weight: 1, arbitrary: fc.tuple(path, poolValue()).map(([p, v]): SetValue => ({ kind: 'if_not_exists', path: p, value: v })) },
  { weight: 1, arbitrary: fc.tuple(simpleSetValue, simpleSetValue).map(([left, right]): SetValue => ({ kind: 'list_append', left, right })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<'+' | '-'>('+', '-'), fc.oneof(path.map((p): SetValue => ({ kind: 'path', path: p })), numberValue.map((v): SetValue => ({ kind: 'value', value: v }))), numberValue)
      .map(([kind, left, right]): SetValue => ({ kind, left, right: { kind: 'value', value: right } })),
  },
);

export const updateAction: fc.Arbitrary<UpdateAction> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(path, setValue).map(([p, value]): UpdateAction => ({ kind: 'SET', path: p, value })) },
  { weight: 1, arbitrary: path.map((p): UpdateAction => ({ kind: 'REMOVE', path: p })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom<'ADD' | 'DELETE'>('ADD', 'DELETE'), path, poolValue(0)).map(([kind, p, value]): UpdateAction => ({ kind, path: p, value })) },
);

function renderSetValue(renderer: Renderer, value: SetValue): string[] {
  switch (value.kind) {
    case 'path':
      return renderer.path(value.path);
    case 'value':
      return [renderer.value(value.value)];
    case 'if_not_exists':
      return ['if_not_exists', '(', ...renderer.path(value.path), ',', renderer.value(value.value), ')'];
    case 'list_append':
      return ['list_append', '(', ...renderSetValue(renderer, value.left), ',', ...renderSetValue(renderer, value.right), ')'];
    case '+':
    case '-':
      return [...renderSetValue(renderer, value.left), value.kind, ...renderSetValue(renderer, value.right)];
  }
}

/** An update expression: the actions grouped by section, sections in the order their first action comes. */
export function renderUpdate(renderer: Renderer, actions: readonly UpdateAction[]): string[] {
  const sections = new Map<string, string[][]>();
  for (const action of actions) {
    const tokens = renderer.path(action.path);
    if (action.kind === 'SET') tokens.push('=', ...renderSetValue(renderer, action.value));
    else if (action.kind !== 'REMOVE') tokens.push(renderer.value(action.value));
    sections.set(action.kind, [...(sections.get(action.kind) ?? []), tokens]);
  }
  return [...sections].flatMap(([section, list]) => [renderer.keyword(section), ...list.flatMap((tokens, i) => (i > 0 ? [',', ...tokens] : tokens))]);
}

