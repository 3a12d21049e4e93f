/**
 * fast-check arbitraries of request bodies for an operation, derived from its
 * declared request shape (src/protocol/shape.ts): well-formed bodies that
 * reach the operation's own checks and its effect (names from a vocabulary of
 * real tables, indexes and attributes; expressions and statements from the
 * grammar generators; any valid attribute value), the same bodies with a
 * JSON node replaced, removed or added, and the seeded almost-right bodies of
 * test/helpers/malformed.ts.
 */
import fc from 'fast-check';
import type { Shape } from '../../../src/protocol/shape.js';
import { junk, malformedBody, type Vocabulary } from '../malformed.js';
import { prng } from '../random.js';
import { condition } from './conditions.js';
import { mutated } from './mutations.js';
import { projection, renderProjection, renderUpdate, updateAction } from './paths.js';
import { anyStatement } from './partiql.js';
import { Renderer, type Rendered } from './render.js';
import { attributeValue } from './values.js';
import { poolAttributes, poolValue } from './documents.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const rendered = (make: (renderer: Renderer) => string[]) => fc.integer().map((style) => {
  const renderer = new Renderer(prng(style));
  return renderer.render(make(renderer));
});

/** Expressions of each kind; names and values need not match the body's maps (the body's own mischief). */
function expressionFor(name: string): fc.Arbitrary<Rendered> {
  if (name === 'ProjectionExpression') return projection.chain((paths) => rendered((r) => renderProjection(r, paths)));
  if (name === 'UpdateExpression') return fc.array(updateAction, { minLength: 1, maxLength: 3 }).chain((actions) => rendered((r) => renderUpdate(r, actions)));
  return condition(1).chain((c) => rendered((r) => r.condition(c)));
}

function stringFor(name: string, shape: Extract<Shape, { kind: 'string' }>, vocabulary: Vocabulary): fc.Arbitrary<Json> {
  if (shape.enum) return fc.constantFrom(...shape.enum);
  if (/TableName$/.test(name)) return fc.constantFrom(...vocabulary.tables);
  if (/IndexName$/.test(name)) return fc.constantFrom(...vocabulary.indexes);
  if (/Arn$/.test(name)) return fc.constantFrom(...vocabulary.arns);
  if (/Expression$/.test(name)) return fc.oneof(expressionFor(name).map((r) => r.text), expressionFor(name).chain(mutated).map((m) => m.text));
  if (name === 'Statement') return anyStatement(vocabulary.tables[0]!, condition(1), poolAttributes, projection, poolValue()).map((s) => s.text);
  if (/AttributeName$|^member$/.test(name)) return fc.constantFrom(...vocabulary.attributes);
  const min = shape.minLength ?? 0;
  return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(shape.maxLength ?? 20, 20)) });
}

/** A body member of `shape`, valid as far as the shape says. */
export function wellFormed(shape: Shape, name: string, vocabulary: Vocabulary, depth = 0): fc.Arbitrary<Json> {
  switch (shape.kind) {
    case 'string':
      return stringFor(name, shape, vocabulary);
    case 'integer':
    case 'long':
    case 'double':
      return fc.integer({ min: shape.min ?? -5, max: Math.min(shape.max ?? 200, 200) });
    case 'boolean':
      return fc.boolean();
    case 'blob':
      return fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('base64'));
    case 'attributeValue':
      return attributeValue(2).map((v) => v.sent as Json);
    case 'list':
      return fc.array(wellFormed(shape.member, name, vocabulary, depth + 1), { minLength: shape.minLength ?? 0, maxLength: Math.max(shape.minLength ?? 0, Math.min(shape.maxLength ?? 3, 3)) });
    case 'map': {
      if (shape.value.kind === 'attributeValue') {
        const keys = name === 'ExpressionAttributeValues' ? fc.constantFrom(':v0', ':v1', ':v2') : fc.constantFrom(...vocabulary.attributes);
        return fc.dictionary(keys, attributeValue(1).map((v) => v.sent as Json), { minKeys: 1, maxKeys: 3 });
      }
      const names = name === 'ExpressionAttributeNames';
      const keys = names ? fc.constantFrom('#n0', '#n1', '#n2') : name === 'RequestItems' ? fc.constantFrom(...vocabulary.tables) : fc.string({ minLength: 1, maxLength: 8 });
      return fc.dictionary(keys, wellFormed(shape.value, names ? 'AttributeName' : name, vocabulary, depth + 1), { minKeys: 1, maxKeys: 2 });
    }
    case 'structure': {
      const members = Object.entries(shape.members);
      if (depth > 6) return fc.constant({});
      return fc
        .tuple(...members.map(([member, memberShape]) => fc.option(wellFormed(memberShape, member, vocabulary, depth + 1), { freq: memberShape.required ? 20 : 2 })))
        .map((values) => Object.fromEntries(members.flatMap(([member], i) => (values[i] === null ? [] : [[member, values[i]!]]))));
    }
  }
}

/** Every node of a JSON value, by path. */
function nodes(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => nodes(v, [...path, i])));
  if (value !== null && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => nodes(v, [...path, k])));
  return here;
}

/** `value` with the node at `path` replaced (or removed, when `replacement` is undefined). */
function replaced(value: Json, path: readonly (string | number)[], replacement: Json | undefined): Json | undefined {
  if (path.length === 0) return replacement;
  const [step, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const inner = replaced(copy[step as number]!, rest, replacement);
    if (inner === undefined) copy.splice(step as number, 1);
    else copy[step as number] = inner;
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  const inner = replaced(copy[step as string]!, rest, replacement);
  if (inner === undefined) delete copy[step as string];
  else Object.defineProperty(copy, step as string, { value: inner, enumerable: true, writable: true, configurable: true });
  return copy;
}

const REPLACEMENTS: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom<Json>(null, true, 0, -1, 1.5, 1e308, 2 ** 53 + 2, '', 'x', '\u0000', [], {}, [null], { S: 'a' }, { N: '1e999' }, { '': null }, 'x'.repeat(70_000)),
  fc.integer().map((seed) => JSON.parse(junk(prng(seed))) as Json),
);

/** A well-formed body with one to three of its JSON nodes replaced, removed or given an unknown sibling. */
function mutatedBody(body: Json): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fc.nat(), REPLACEMENTS, fc.boolean()), { minLength: 1, maxLength: 3 }).map((edits) => {
    let value: Json | undefined = body;
    for (const [index, replacement, addSibling] of edits) {
      if (value === undefined) break;
      const all = nodes(value);
      const path = all[index % all.length]!;
      value = addSibling && path.length > 0 ? replaced(value, [...path.slice(0, -1), typeof path.at(-1) === 'number' ? 0 : 'Unknown'], replacement ?? null) : replaced(value, path, replacement);
    }
    return value === undefined ? '' : JSON.stringify(value);
  });
}

/** Bodies for an operation of `shape`: well-formed, mutated, or from the seeded almost-right generator. */
export function requestBody(shape: Shape, vocabulary: Vocabulary): fc.Arbitrary<string> {
  const body = wellFormed(shape, '', vocabulary);
  return fc.oneof(
    { weight: 2, arbitrary: body.map((b) => JSON.stringify(b)) },
    { weight: 3, arbitrary: body.chain(mutatedBody) },
    { weight: 3, arbitrary: fc.integer().map((seed) => malformedBody(prng(seed), shape, vocabulary)) },
  );
}
