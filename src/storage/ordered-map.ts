/**
 * An in-memory B+tree from byte keys (unsigned lexicographic order) to values.
 * Leaves are doubly linked so range walks in either direction are sequential;
 * nodes hold up to ORDER entries so a million keys stay four levels deep.
 */

import type { Bytes } from './storage.js';
import { compareBytes } from './bytes.js';

const ORDER = 64;
const MIN_FILL = ORDER >> 1;

class Leaf<V> {
  keys: Bytes[] = [];
  values: V[] = [];
  next: Leaf<V> | null = null;
  prev: Leaf<V> | null = null;
}

class Branch<V> {
  /** keys[i] separates children[i] (all keys below it) from children[i + 1]. */
  keys: Bytes[] = [];
  children: Node<V>[] = [];
}

type Node<V> = Leaf<V> | Branch<V>;

export interface MapRange {
  /** Inclusive lower bound. */
  readonly start?: Bytes | undefined;
  /** Exclusive upper bound. */
  readonly end?: Bytes | undefined;
  readonly reverse?: boolean | undefined;
}

/** Index of the first key >= key (`strict`: > key). */
function search(keys: Bytes[], key: Bytes, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareBytes(keys[mid]!, key);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Position<V> {
  leaf: Leaf<V> | null;
  index: number;
}

export class OrderedMap<V> {
  private root: Node<V> = new Leaf<V>();
  private count = 0;
  /** Bumped on every structural change so live iterators know to re-seek. */
  private shape = 0;

  get size(): number {
    return this.count;
  }

  get(key: Bytes): V | undefined {
    const leaf = this.leafFor(key);
    const i = search(leaf.keys, key, false);
    return i < leaf.keys.length && compareBytes(leaf.keys[i]!, key) === 0 ? leaf.values[i] : undefined;
  }

  set(key: Bytes, value: V): void {
    const split = this.insert(this.root, key, value);
    if (split) {
      const root = new Branch<V>();
      root.keys = [split.separator];
      root.children = [this.root, split.right];
      this.root = root;
    }
  }

  /** Returns whether the key was present. */
  delete(key: Bytes): boolean {
    const removed = this.remove(this.root, key);
    const root = this.root;
    if (root instanceof Branch && root.children.length === 1) this.root = root.children[0]!;
    return removed;
  }

  /**
   * Entries within the bounds in key order (descending when reversed). The
   * walk tolerates the map changing underneath it: after a structural change
   * it re-seeks past the last key it yielded.
   */
  *entries(range: MapRange = {}): Generator<[Bytes, V]> {
    const { start, end, reverse = false } = range;
    let pos = reverse ? this.before(end) : this.atOrAfter(start, false);
    let shape = this.shape;
    let last: Bytes | undefined;
    for (;;) {
      if (last !== undefined && shape !== this.shape) {
        pos = reverse ? this.before(last) : this.atOrAfter(last, true);
      }
      shape = this.shape;
      const { leaf, index } = pos;
      if (leaf === null) return;
      const key = leaf.keys[index]!;
      const outside = reverse
        ? start !== undefined && compareBytes(key, start) < 0
        : end !== undefined && compareBytes(key, end) >= 0;
      if (outside) return;
      last = key;
      const value = leaf.values[index]!;
      pos = this.step(leaf, reverse ? index - 1 : index + 1);
      yield [key, value];
    }
  }

  private leafFor(key: Bytes): Leaf<V> {
    let node = this.root;
    while (node instanceof Branch) node = node.children[search(node.keys, key, true)]!;
    return node;
  }

  /** Normalises an index that may have run off either end of its leaf. */
  private step(leaf: Leaf<V>, index: number): Position<V> {
    if (index >= leaf.keys.length) return { leaf: this.firstNonEmpty(leaf.next), index: 0 };
    if (index < 0) {
      const prev = leaf.prev;
      return prev === null ? { leaf: null, index: 0 } : { leaf: prev, index: prev.keys.length - 1 };
    }
    return { leaf, index };
  }

  private firstNonEmpty(leaf: Leaf<V> | null): Leaf<V> | null {
    return leaf !== null && leaf.keys.length === 0 ? null : leaf;
  }

  private atOrAfter(key: Bytes | undefined, strict: boolean): Position<V> {
    if (key === undefined) {
      let node = this.root;
      while (node instanceof Branch) node = node.children[0]!;
      return { leaf: this.firstNonEmpty(node), index: 0 };
    }
    const leaf = this.leafFor(key);
    return this.step(leaf, search(leaf.keys, key, strict));
  }

  /** The last entry strictly below key (the very last one when undefined). */
  private before(key: Bytes | undefined): Position<V> {
    if (key === undefined) {
      let node = this.root;
      while (node instanceof Branch) node = node.children[node.children.length - 1]!;
      return node.keys.length === 0 ? { leaf: null, index: 0 } : { leaf: node, index: node.keys.length - 1 };
    }
    const leaf = this.leafFor(key);
    return this.step(leaf, search(leaf.keys, key, false) - 1);
  }

  private insert(node: Node<V>, key: Bytes, value: V): { separator: Bytes; right: Node<V> } | null {
    if (node instanceof Leaf) {
      const i = search(node.keys, key, false);
      if (i < node.keys.length && compareBytes(node.keys[i]!, key) === 0) {
        node.values[i] = value;
        return null;
      }
      node.keys.splice(i, 0, key);
      node.values.splice(i, 0, value);
      this.count++;
      this.shape++;
      return node.keys.length > ORDER ? this.splitLeaf(node) : null;
    }
    const i = search(node.keys, key, true);
    const split = this.insert(node.children[i]!, key, value);
    if (!split) return null;
    node.keys.splice(i, 0, split.separator);
    node.children.splice(i + 1, 0, split.right);
    return node.children.length > ORDER ? this.splitBranch(node) : null;
  }

  private splitLeaf(leaf: Leaf<V>): { separator: Bytes; right: Node<V> } {
    const right = new Leaf<V>();
    const half = leaf.keys.length >> 1;
    right.keys = leaf.keys.splice(half);
    right.values = leaf.values.splice(half);
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next) leaf.next.prev = right;
    leaf.next = right;
    return { separator: right.keys[0]!, right };
  }

  private splitBranch(branch: Branch<V>): { separator: Bytes; right: Node<V> } {
    const right = new Branch<V>();
    const half = branch.children.length >> 1;
    right.children = branch.children.splice(half);
    right.keys = branch.keys.splice(half);
    const separator = branch.keys.pop()!;
    return { separator, right };
  }

  private remove(node: Node<V>, key: Bytes): boolean {
    if (node instanceof Leaf) {
      const i = search(node.keys, key, false);
      if (i >= node.keys.length || compareBytes(node.keys[i]!, key) !== 0) return false;
      node.keys.splice(i, 1);
      node.values.splice(i, 1);
      this.count--;
      this.shape++;
      return true;
    }
    const i = search(node.keys, key, true);
    const child = node.children[i]!;
    if (!this.remove(child, key)) return false;
    if (fill(child) < MIN_FILL) this.rebalance(node, i);
    return true;
  }

  /** Refills the underfull children[i] from a sibling, or merges it into one. */
  private rebalance(parent: Branch<V>, i: number): void {
    const child = parent.children[i]!;
    const left = i > 0 ? parent.children[i - 1]! : null;
    const right = i + 1 < parent.children.length ? parent.children[i + 1]! : null;
    if (left && fill(left) > MIN_FILL) this.borrowFromLeft(parent, i, left, child);
    else if (right && fill(right) > MIN_FILL) this.borrowFromRight(parent, i, child, right);
    else if (left) this.merge(parent, i - 1, left, child);
    else if (right) this.merge(parent, i, child, right);
  }

  private borrowFromLeft(parent: Branch<V>, i: number, left: Node<V>, child: Node<V>): void {
    if (left instanceof Leaf && child instanceof Leaf) {
      child.keys.unshift(left.keys.pop()!);
      child.values.unshift(left.values.pop()!);
      parent.keys[i - 1] = child.keys[0]!;
    } else if (left instanceof Branch && child instanceof Branch) {
      child.keys.unshift(parent.keys[i - 1]!);
      child.children.unshift(left.children.pop()!);
      parent.keys[i - 1] = left.keys.pop()!;
    }
    this.shape++;
  }

  private borrowFromRight(parent: Branch<V>, i: number, child: Node<V>, right: Node<V>): void {
    if (child instanceof Leaf && right instanceof Leaf) {
      child.keys.push(right.keys.shift()!);
      child.values.push(right.values.shift()!);
      parent.keys[i] = right.keys[0]!;
    } else if (child instanceof Branch && right instanceof Branch) {
      child.keys.push(parent.keys[i]!);
      child.children.push(right.children.shift()!);
      parent.keys[i] = right.keys.shift()!;
    }
    this.shape++;
  }

  /** Folds children[i + 1] into children[i]. */
  private merge(parent: Branch<V>, i: number, left: Node<V>, right: Node<V>): void {
    if (left instanceof Leaf && right instanceof Leaf) {
      left.keys.push(...right.keys);
      left.values.push(...right.values);
      left.next = right.next;
      if (right.next) right.next.prev = left;
    } else if (left instanceof Branch && right instanceof Branch) {
      left.keys.push(parent.keys[i]!, ...right.keys);
      left.children.push(...right.children);
    }
    parent.keys.splice(i, 1);
    parent.children.splice(i + 1, 1);
    this.shape++;
  }
}

function fill<V>(node: Node<V>): number {
  return node instanceof Leaf ? node.keys.length : node.children.length;
}
