/**
 * Copy-on-write edits of an item at document paths. An ItemDraft starts as a
 * shallow copy of the item and copies a nested map or list only the first
 * time an edit passes through it, so the caller's item is never touched and
 * an update pays for the containers it edits, not for the whole item. The
 * result shares every untouched value with the original: items are treated
 * as immutable once built.
 */
import type { AttributeValue, Item } from '../model/attribute-value.js';
import { validation } from '../protocol/errors.js';
import type { DocumentPath, PathStep } from './document-path.js';
import { setOwn } from '../model/own-property.js';

export const INVALID_PATH = 'The document path provided in the update expression is invalid for update';

type MutableMap = Record<string, AttributeValue>;
type MutableList = AttributeValue[];

/** The container a path's last step lives in: the item, a map or a list. */
export type Parent = { readonly kind: 'map'; readonly map: MutableMap } | { readonly kind: 'list'; readonly list: MutableList };

export class ItemDraft {
  readonly item: Item;
  /** Containers this draft copied, and so may change in place. */
  private readonly own = new Set<object>();

  constructor(original: Item) {
    this.item = { ...original };
    this.own.add(this.item);
  }

  /**
   * The parent of `path`'s last step, copied (with every container above it)
   * if this draft does not own it yet; or the invalid-path error when a step
   * is missing or of the wrong kind.
   */
  parentOf(path: DocumentPath): Parent {
    let parent: Parent = { kind: 'map', map: this.item as MutableMap };
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i] as PathStep;
      const child = childOf(parent, step);
      if (child !== undefined && 'M' in child) parent = { kind: 'map', map: this.ownMap(parent, step, child.M) };
      else if (child !== undefined && 'L' in child) parent = { kind: 'list', list: this.ownList(parent, step, child.L) };
      else throw validation(INVALID_PATH);
    }
    const last = path[path.length - 1] as PathStep;
    if ((typeof last === 'number') !== (parent.kind === 'list')) throw validation(INVALID_PATH);
    return parent;
  }

  private ownMap(parent: Parent, step: PathStep, map: Readonly<MutableMap>): MutableMap {
    if (this.own.has(map)) return map as MutableMap;
    const copy: MutableMap = { ...map };
    this.own.add(copy);
    setChild(parent, step, { M: copy });
    return copy;
  }

  private ownList(parent: Parent, step: PathStep, list: readonly AttributeValue[]): MutableList {
    if (this.own.has(list)) return list as MutableList;
    const copy = [...list];
    this.own.add(copy);
    setChild(parent, step, { L: copy });
    return copy;
  }
}

export function childOf(parent: Parent, step: PathStep): AttributeValue | undefined {
  if (parent.kind === 'list') return typeof step === 'number' ? parent.list[step] : undefined;
  return typeof step === 'string' && Object.hasOwn(parent.map, step) ? parent.map[step] : undefined;
}

/** Sets a child; a list index past the end appends, as DynamoDB does. */
export function setChild(parent: Parent, step: PathStep, value: AttributeValue): void {
  if (parent.kind === 'map') setOwn(parent.map, step as string, value);
  else if ((step as number) < parent.list.length) parent.list[step as number] = value;
  else parent.list.push(value);
}

/** Removes a child; later list elements shift down. */
export function removeChild(parent: Parent, step: PathStep): void {
  if (parent.kind === 'map') delete parent.map[step as string];
  else if ((step as number) < parent.list.length) parent.list.splice(step as number, 1);
}
