/**
 * Copy-on-write edits of an item at a document path. Updates work on a deep
 * copy made once per apply, so the caller's item is never touched.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { validation } from '../protocol/errors.js';
import type { DocumentPath, PathStep } from './document-path.js';

export const INVALID_PATH = 'The document path provided in the update expression is invalid for update';

type MutableMap = Record<string, AttributeValue>;
type MutableList = AttributeValue[];

/** The container a path's last step lives in: the item, a map or a list. */
export type Parent = { readonly kind: 'map'; readonly map: MutableMap } | { readonly kind: 'list'; readonly list: MutableList };

export function cloneItem(item: Item): Item {
  return structuredClone(item);
}

/** The parent of `path`'s last step, or the invalid-path error when it is missing or of the wrong kind. */
export function parentOf(item: Item, path: DocumentPath): Parent {
  let parent: Parent = { kind: 'map', map: item };
  for (let i = 0; i < path.length - 1; i++) {
    const child = childOf(parent, path[i] as PathStep);
    if (child !== undefined && 'M' in child) parent = { kind: 'map', map: child.M as MutableMap };
    else if (child !== undefined && 'L' in child) parent = { kind: 'list', list: child.L as MutableList };
    else throw validation(INVALID_PATH);
  }
  const last = path[path.length - 1] as PathStep;
  if ((typeof last === 'number') !== (parent.kind === 'list')) throw validation(INVALID_PATH);
  return parent;
}

export function childOf(parent: Parent, step: PathStep): AttributeValue | undefined {
  if (parent.kind === 'list') return typeof step === 'number' ? parent.list[step] : undefined;
  return typeof step === 'string' && Object.hasOwn(parent.map, step) ? parent.map[step] : undefined;
}

/** Sets a child; a list index past the end appends, as DynamoDB does. */
export function setChild(parent: Parent, step: PathStep, value: AttributeValue): void {
  if (parent.kind === 'map') parent.map[step as string] = value;
  else if ((step as number) < parent.list.length) parent.list[step as number] = value;
  else parent.list.push(value);
}

/** Removes a child; later list elements shift down. */
export function removeChild(parent: Parent, step: PathStep): void {
  if (parent.kind === 'map') delete parent.map[step as string];
  else if ((step as number) < parent.list.length) parent.list.splice(step as number, 1);
}
