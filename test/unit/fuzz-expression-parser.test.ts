/**
 * The expression parser against the grammar: a generated condition, written
 * with any whitespace, keyword case, aliases and allowed parentheses, parses
 * back into the tree it was generated from (AND binding tighter than OR, NOT
 * tighter than both, BETWEEN's AND not taken for a conjunction).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCondition } from '../../src/expressions/parser.js';
import type { ConditionNode, Operand as ParsedOperand } from '../../src/expressions/ast.js';
import { prng } from '../helpers/random.js';
import { condition, type Condition, type Operand } from '../helpers/fuzz/conditions.js';
import type { Path } from '../helpers/fuzz/documents.js';
import { Renderer } from '../helpers/fuzz/render.js';
import { fuzz } from '../helpers/fuzz/run.js';

const path = (p: readonly (string | number)[]) => p.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');

function generated(c: Condition): string {
  const operand = (o: Operand): string => (o.kind === 'path' ? path(o.path) : o.kind === 'value' ? JSON.stringify(o.value) : `size(${path(o.path)})`);
  const call = (name: string, p: Path, ...rest: string[]) => `${name}(${[path(p), ...rest].join(', ')})`;
  switch (c.kind) {
    case 'compare':
      return `(${operand(c.left)} ${c.operator} ${operand(c.right)})`;
    case 'between':
      return `(${operand(c.subject)} BETWEEN ${operand(c.low)} AND ${operand(c.high)})`;
    case 'in':
      return `(${operand(c.subject)} IN ${c.list.map(operand).join(', ')})`;
    case 'exists':
      return call('attribute_exists', c.path);
    case 'not_exists':
      return call('attribute_not_exists', c.path);
    case 'type':
      return call('attribute_type', c.path, JSON.stringify({ S: c.type }));
    case 'begins_with':
    case 'contains':
      return call(c.kind, c.path, operand(c.operand));
    case 'not':
      return `(NOT ${generated(c.operand)})`;
    case 'and':
    case 'or':
      return `(${generated(c.left)} ${c.kind.toUpperCase()} ${generated(c.right)})`;
  }
}

function parsed(node: ConditionNode, names: Record<string, string>, values: Record<string, unknown>): string {
  const operand = (o: ParsedOperand): string => {
    switch (o.kind) {
      case 'path':
        return path(o.elements.map((e) => (e.kind === 'index' ? e.index : e.kind === 'alias' ? names[e.alias]! : e.name)));
      case 'value':
        return JSON.stringify(values[o.name]);
      case 'call':
        return `${o.name}(${o.args.map(operand).join(', ')})`;
      case 'arithmetic':
        return `(${operand(o.left)} ${o.operator} ${operand(o.right)})`;
    }
  };
  const again = (n: ConditionNode) => parsed(n, names, values);
  switch (node.kind) {
    case 'compare':
      return `(${operand(node.left)} ${node.operator} ${operand(node.right)})`;
    case 'between':
      return `(${operand(node.subject)} BETWEEN ${operand(node.low)} AND ${operand(node.high)})`;
    case 'in':
      return `(${operand(node.subject)} IN ${node.list.map(operand).join(', ')})`;
    case 'function':
      return operand(node.call);
    case 'not':
      return `(NOT ${again(node.operand)})`;
    case 'and':
    case 'or':
      return `(${again(node.left)} ${node.kind.toUpperCase()} ${again(node.right)})`;
  }
}

test('generated conditions parse back into the trees they were written from', async () => {
  await fuzz(
    'condition parse round trip',
    2000,
    fc.property(condition(4), fc.integer(), (c, style) => {
      const renderer = new Renderer(prng(style));
      const { text, names, values } = renderer.render(renderer.condition(c));
      assert.equal(parsed(parseCondition(text), names, values), generated(c), text);
    }),
  );
});
