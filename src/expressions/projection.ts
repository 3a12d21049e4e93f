/**
 * Projections (ProjectionExpression, AttributesToGet): which parts of an item
 * to return. Projected list elements come back compacted, in list order.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import type { ProjectionAst } from './ast.js';
import type { AttributeMaps } from './attribute-maps.js';
import { setOwn } from '../model/own-property.js';
import { PathSet, type DocumentPath } from './document-path.js';
import { Resolver } from './operands.js';
import { problem } from './problem.js';
import { projectionFacts } from './static-checks.js';

/** `true` marks a whole value; paths never overlap, so a node is either a leaf or has children. */
interface Tree {
  readonly names: Map<string, Tree | true>;
  readonly indexes: Map<number, Tree | true>;
}

const emptyTree = (): Tree => ({ names: new Map(), indexes: new Map() });

function buildTree(paths: readonly DocumentPath[]): Tree {
  const root = emptyTree();
  for (const path of paths) {
    let node = root;
    path.forEach((step, i) => {
      const children: Map<string | number, Tree | true> = typeof step === 'number' ? node.indexes : node.names;
      if (i === path.length - 1) children.set(step, true);
      else {
        const next = children.get(step);
        const child = next === undefined || next === true ? emptyTree() : next;
        children.set(step, child);
        node = child;
      }
    });
  }
  return root;
}

function project(value: AttributeValue, tree: Tree | true): AttributeValue | undefined {
  if (tree === true) return value;
  if ('M' in value && tree.names.size > 0) {
    const map: Record<string, AttributeValue> = {};
    for (const [name, sub] of tree.names) {
      const child = Object.hasOwn(value.M, name) ? value.M[name] : undefined;
      const projected = child === undefined ? undefined : project(child, sub);
      if (projected !== undefined) setOwn(map, name, projected);
    }
    return Object.keys(map).length > 0 ? { M: map } : undefined;
  }
  if ('L' in value && tree.indexes.size > 0) {
    const list: AttributeValue[] = [];
    for (const index of [...tree.indexes.keys()].sort((a, b) => a - b)) {
      const child = value.L[index];
      const projected = child === undefined ? undefined : project(child, tree.indexes.get(index) as Tree | true);
      if (projected !== undefined) list.push(projected);
    }
    return list.length > 0 ? { L: list } : undefined;
  }
  return undefined;
}

export class PathProjection {
  private readonly tree: Tree;
  readonly topLevelNames: readonly string[];

  constructor(readonly paths: readonly DocumentPath[]) {
    this.tree = buildTree(paths);
    this.topLevelNames = Object.freeze([...this.tree.names.keys()]);
  }

  apply(item: Item): Item {
    const result: Item = {};
    for (const [name, sub] of this.tree.names) {
      const value = Object.hasOwn(item, name) ? item[name] : undefined;
      const projected = value === undefined ? undefined : project(value, sub);
      if (projected !== undefined) setOwn(result, name, projected);
    }
    return result;
  }
}

/**
 * After the text-only problems, DynamoDB takes the paths last to first, each
 * checked (depth, names) and then added to the others (DynamoDB Local 3.3.1:
 * `#undefined, a, a` reports the overlap).
 */
export function bindProjection(ast: ProjectionAst, maps: AttributeMaps): PathProjection {
  const found = projectionFacts(ast).problem;
  if (found) problem(found);
  const resolver = new Resolver(maps);
  const paths = new PathSet();
  for (let i = ast.length - 1; i >= 0; i--) {
    const path = ast[i] as ProjectionAst[number];
    const clash = resolver.pathProblem(path) ?? paths.add(resolver.path(path));
    if (clash) problem(clash);
  }
  return new PathProjection(ast.map((path) => resolver.path(path)));
}
