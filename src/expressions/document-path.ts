/**
 * Resolved document paths (`a.b[2].c` with aliases substituted) and the
 * walks over items that conditions, projections and updates share.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { own } from '../model/own-property.js';

export type PathStep = string | number;
export type DocumentPath = readonly PathStep[];

/** DynamoDB's rendering in messages: `[a, b, [2], c]`. */
export function formatPath(path: DocumentPath): string {
  return `[${path.map((step) => (typeof step === 'number' ? `[${step}]` : step)).join(', ')}]`;
}

export function samePath(a: DocumentPath, b: DocumentPath): boolean {
  return a.length === b.length && a.every((step, i) => step === b[i]);
}

/** The value a path points at, or undefined when any step is missing or of the wrong kind. */
export function valueAt(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  if (!item) return undefined;
  let current = own(item, path[0] as string);
  for (let i = 1; i < path.length && current !== undefined; i++) {
    const step = path[i] as PathStep;
    if (typeof step === 'number') current = 'L' in current ? current.L[step] : undefined;
    else current = 'M' in current ? own(current.M, step) : undefined;
  }
  return current;
}

export type PathRelation = 'overlap' | 'conflict' | 'disjoint';

/**
 * Two paths overlap when one is a prefix of the other (or they are equal);
 * they conflict when they agree up to a step that is a name in one and an
 * index in the other, which no single document can satisfy.
 */
export function relatePaths(a: DocumentPath, b: DocumentPath): PathRelation {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    if (typeof a[i] !== typeof b[i]) return 'conflict';
    if (a[i] !== b[i]) return 'disjoint';
  }
  return 'overlap';
}

/**
 * The paths an expression writes (or projects), which must neither overlap
 * nor conflict. DynamoDB adds them last to first and reports the first path
 * that clashes with one added before it, as "path one", so of several clashes
 * the one nearest the end of the expression wins, overlap or conflict alike
 * (DynamoDB Local 3.3.1; dynalite's tests recorded against DynamoDB:
 * `REMOVE a.#c SET a[1] = ...` reports path one [a, c], path two [a, [1]]).
 */
export class PathSet {
  private readonly added: DocumentPath[] = [];

  /** Adds the path written before the ones added so far; the clash it makes, in DynamoDB's wording (without `Invalid X: `). */
  add(path: DocumentPath): string | undefined {
    for (const other of this.added) {
      const relation = relatePaths(path, other);
      if (relation !== 'disjoint') {
        return `Two document paths ${relation} with each other; must remove or rewrite one of these paths; path one: ${formatPath(path)}, path two: ${formatPath(other)}`;
      }
    }
    this.added.push(path);
    return undefined;
  }
}
