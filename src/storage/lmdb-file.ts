/**
 * LMDB's data file read with plain file reads, never mapped, so damage gives
 * a message instead of SIGBUS or SIGSEGV. LMDB keeps no checksums of its
 * pages and trusts what it maps: a truncated file faults when a page past its
 * end is touched, and a page overwritten with garbage sends cursors through
 * garbage pointers (a crash) or past the entries they should see (silent
 * loss). What can be checked:
 *
 * - the two meta pages (LMDB's magic, data version, page size, the newest
 *   snapshot's roots and last page);
 * - every page a tree references: its own page number in its header (a page
 *   written elsewhere or filled with garbage almost never carries the right
 *   one), its kind, node offsets inside the page, keys in order and within
 *   the bounds its parent gives, overflow runs inside the file, each page
 *   referenced once, every leaf at the tree's depth, and the page and entry
 *   counts the meta page records.
 *
 * Start-up checks the meta pages and the branch pages of the main tree (a
 * small share of the file: every leaf is then known to lie inside the file);
 * `dynalith check` walks every page of both trees and hands each entry to
 * its caller. The layout is lmdb-js's LMDB (mdb.master3, data version 2) on
 * a 64-bit little-endian machine: page numbers and transaction ids are 8 bytes.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const DATA_FILE = 'data.mdb';

const PAGE_HEADER = 24;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const P_META = 0x08;
const F_BIGDATA = 0x01;
const NODE_HEADER = 8;
const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const NO_PAGE = 2n ** 64n - 1n;
const FREE_DB = 0;
const MAIN_DB = 1;

/** A tree's record in a meta page. */
interface TreeInfo {
  readonly depth: number;
  readonly branchPages: number;
  readonly leafPages: number;
  readonly overflowPages: number;
  readonly entries: number;
  /** undefined for an empty tree */
  readonly root: number | undefined;
}

interface Meta {
  readonly pageSize: number;
  readonly trees: readonly [TreeInfo, TreeInfo];
  readonly lastPage: number;
  readonly txnId: bigint;
}

/** Damage found in the data file, in one line. */
export class DamagedFile extends Error {}

export interface TreeEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** What a walk found: the problems (empty when the file is sound) and, for a full walk, the entries' count. */
export interface WalkReport {
  readonly problems: string[];
  readonly entries: number;
}

class DataFile {
  readonly size: number;
  private readonly page: Buffer;

  constructor(
    private readonly fd: number,
    readonly meta: Meta,
  ) {
    this.size = fstatSync(fd).size;
    this.page = Buffer.alloc(meta.pageSize);
  }

  get pageCount(): number {
    return Math.floor(this.size / this.meta.pageSize);
  }

  /** Why page `pgno` cannot be read, or undefined. */
  misplaced(pgno: number): string | undefined {
    if (pgno < 2 || pgno > this.meta.lastPage) return `page ${pgno} is referenced but lies outside the snapshot (last page ${this.meta.lastPage})`;
    if (pgno >= this.pageCount) return `page ${pgno} is referenced but the file ends at page ${this.pageCount} (truncated)`;
    return undefined;
  }

  /** The page `pgno` (a shared buffer, valid until the next read), or a problem. */
  read(pgno: number): Buffer | string {
    const misplaced = this.misplaced(pgno);
    if (misplaced !== undefined) return misplaced;
    readSync(this.fd, this.page, 0, this.meta.pageSize, pgno * this.meta.pageSize);
    const stored = this.page.readBigUInt64LE(0);
    if (stored !== BigInt(pgno)) return `page ${pgno} is damaged (its header names page ${stored})`;
    return this.page;
  }

  /** `count` pages from `pgno` on, in one buffer. */
  readRun(pgno: number, count: number): Buffer {
    const out = Buffer.alloc(count * this.meta.pageSize);
    readSync(this.fd, out, 0, out.length, pgno * this.meta.pageSize);
    return out;
  }
}

/**
 * Validates what must hold before LMDB may map the file: the meta pages, the
 * size, and the branch pages of the main tree. A missing or empty file is a
 * store not yet created (LMDB writes both meta pages when it creates one).
 * Throws DamagedFile.
 */
export function checkDataFileForOpen(path: string): void {
  withDataFile(path, (file) => {
    if (file === undefined) return;
    const problems: string[] = [];
    walkTree(file, file.meta.trees[MAIN_DB], 'main', { compare: byBytes, thorough: false, problems, onEntry: undefined });
    // LMDB may leave pages it freed in the transaction that allocated them unwritten at the
    // end of the file; anything short of the last page is otherwise a truncation.
    if (problems.length === 0 && file.pageCount <= file.meta.lastPage) {
      walkTree(file, file.meta.trees[MAIN_DB], 'main', { compare: byBytes, thorough: true, problems, onEntry: undefined });
    }
    if (problems.length > 0) throw new DamagedFile(`the data file ${path} is damaged: ${problems[0]}`);
  });
}

/**
 * Walks every page of the file's trees, handing each entry of the main tree
 * to `onEntry`. Returns the problems found (a missing file has none).
 */
export function walkDataFile(path: string, onEntry: (entry: TreeEntry) => void): WalkReport {
  try {
    return withDataFile(path, (file) => {
      if (file === undefined) return { problems: [], entries: 0 };
      const problems: string[] = [];
      walkTree(file, file.meta.trees[FREE_DB], 'free-page', { compare: byTxnId, thorough: true, problems, onEntry: undefined });
      const entries = walkTree(file, file.meta.trees[MAIN_DB], 'main', { compare: byBytes, thorough: true, problems, onEntry });
      return { problems, entries };
    });
  } catch (error) {
    if (error instanceof DamagedFile) return { problems: [error.message], entries: 0 };
    throw error;
  }
}

function withDataFile<T>(path: string, use: (file: DataFile | undefined) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return use(undefined);
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return use(undefined);
    return use(new DataFile(fd, readMeta(fd, size, path)));
  } finally {
    closeSync(fd);
  }
}

/** The meta page LMDB would use (the newer one), after checking both. */
function readMeta(fd: number, size: number, path: string): Meta {
  const damaged = (why: string) => new DamagedFile(`the data file ${path} is damaged: ${why}`);
  const first = Buffer.alloc(PAGE_HEADER + 144);
  if (readSync(fd, first, 0, first.length, 0) < first.length) throw damaged(`it is ${size} bytes long, shorter than its header`);
  const zero = parseMeta(first, 0);
  if (typeof zero === 'string') throw damaged(zero);
  const second = Buffer.alloc(first.length);
  if (readSync(fd, second, 0, second.length, zero.pageSize) < second.length) throw damaged(`it is ${size} bytes long, shorter than its two meta pages`);
  const one = parseMeta(second, 1);
  if (typeof one === 'string') throw damaged(one);
  if (one.pageSize !== zero.pageSize) throw damaged('its meta pages disagree on the page size');
  // LMDB's rule: the meta page of the later transaction.
  const meta = one.txnId > zero.txnId ? one : zero;
  for (const [name, tree] of [['free-page', meta.trees[FREE_DB]], ['main', meta.trees[MAIN_DB]]] as const) {
    if (tree.root !== undefined && (tree.root < 2 || tree.root > meta.lastPage)) {
      throw damaged(`the ${name} tree's root page ${tree.root} lies outside the snapshot (last page ${meta.lastPage})`);
    }
  }
  return meta;
}

function parseMeta(page: Buffer, pgno: number): Meta | string {
  const where = `meta page ${pgno}`;
  if (page.readBigUInt64LE(0) !== BigInt(pgno) || (page.readUInt16LE(18) & P_META) === 0) return `${where} is not a meta page`;
  const m = PAGE_HEADER;
  if (page.readUInt32LE(m) !== MDB_MAGIC) return `${where} lacks LMDB's magic number (not an LMDB file?)`;
  const version = page.readUInt32LE(m + 4) & 0xffff;
  if (version !== MDB_DATA_VERSION) return `${where} has LMDB data version ${version}, not ${MDB_DATA_VERSION}`;
  const tree = (offset: number): TreeInfo => {
    const root = page.readBigUInt64LE(offset + 40);
    return {
      depth: page.readUInt16LE(offset + 6),
      branchPages: Number(page.readBigUInt64LE(offset + 8)),
      leafPages: Number(page.readBigUInt64LE(offset + 16)),
      overflowPages: Number(page.readBigUInt64LE(offset + 24)),
      entries: Number(page.readBigUInt64LE(offset + 32)),
      root: root === NO_PAGE ? undefined : Number(root),
    };
  };
  const pageSize = page.readUInt32LE(m + 24);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `${where} gives an impossible page size ${pageSize}`;
  const lastPage = page.readBigUInt64LE(m + 120);
  if (lastPage < 1n || lastPage > BigInt(Number.MAX_SAFE_INTEGER)) return `${where} gives an impossible last page ${lastPage}`;
  return {
    pageSize,
    trees: [tree(m + 24), tree(m + 72)],
    lastPage: Number(lastPage),
    txnId: page.readBigUInt64LE(m + 128),
  };
}

/**
 * How a tree orders its keys: the main tree as bytes, the free-page tree by
 * transaction id (native integers). Keys are compared where they lie, as
 * ranges of their pages: a subarray per key made start-up's walk several
 * times slower.
 */
interface KeyCompare {
  (a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): number;
}
const byBytes: KeyCompare = (a, aStart, aEnd, b, bStart, bEnd) => a.compare(b, bStart, bEnd, aStart, aEnd);
const byTxnId: KeyCompare = (a, aStart, aEnd, b, bStart, bEnd) => {
  if (aEnd - aStart !== 8 || bEnd - bStart !== 8) return byBytes(a, aStart, aEnd, b, bStart, bEnd);
  const x = a.readBigUInt64LE(aStart);
  const y = b.readBigUInt64LE(bStart);
  return x < y ? -1 : x > y ? 1 : 0;
};

interface WalkOptions {
  readonly compare: KeyCompare;
  /**
   * Read every page, leaves and overflow runs included, and check key order
   * and that no page is referenced twice (`dynalith check`); or, at start-up,
   * read the branch pages only, checking their headers and nodes and that the
   * leaves they name lie inside the file.
   */
  readonly thorough: boolean;
  readonly problems: string[];
  readonly onEntry: ((entry: TreeEntry) => void) | undefined;
}

interface PendingPage {
  readonly pgno: number;
  readonly depth: number;
  /** Keys on the page must be >= low and < high (undefined: unbounded). */
  readonly low: Buffer | undefined;
  readonly high: Buffer | undefined;
}

/** Walks one tree; returns the entries it read. Problems are appended; a damaged subtree is skipped. */
function walkTree(file: DataFile, tree: TreeInfo, name: string, options: WalkOptions): number {
  const { problems } = options;
  if (tree.root === undefined) {
    if (tree.entries !== 0) problems.push(`the ${name} tree is empty but its meta page counts ${tree.entries} entries`);
    return 0;
  }
  const seen = new Set<number>();
  const counts = { branch: 0, leaf: 0, overflow: 0, entries: 0 };
  const pending: PendingPage[] = [{ pgno: tree.root, depth: 1, low: undefined, high: undefined }];
  const fail = (problem: string) => problems.push(`${name} tree: ${problem}`);
  while (pending.length > 0) {
    const { pgno, depth, low, high } = pending.pop()!;
    if (seen.has(pgno)) {
      fail(`page ${pgno} is referenced twice`);
      continue;
    }
    seen.add(pgno);
    const page = file.read(pgno);
    if (typeof page === 'string') {
      fail(page);
      continue;
    }
    const nodes = pageNodes(page, file.meta.pageSize);
    if (typeof nodes === 'string') {
      fail(`page ${pgno} is damaged (${nodes})`);
      continue;
    }
    const flags = page.readUInt16LE(18) & (P_BRANCH | P_LEAF | P_OVERFLOW | P_META);
    const isLeaf = flags === P_LEAF;
    if (flags !== P_BRANCH && !isLeaf) {
      fail(`page ${pgno} is damaged (neither a branch nor a leaf page: flags ${flags})`);
      continue;
    }
    if (isLeaf !== (depth === tree.depth)) {
      fail(`page ${pgno} is a ${isLeaf ? 'leaf' : 'branch'} page at depth ${depth} of a tree ${tree.depth} deep`);
      continue;
    }
    const order = options.thorough ? keyOrder(page, nodes, isLeaf, low, high, options.compare) : undefined;
    if (order !== undefined) {
      fail(`page ${pgno} is damaged (${order})`);
      continue;
    }
    if (isLeaf) {
      counts.leaf++;
      const leafProblem = readLeaf(file, page, nodes, seen, counts, options.onEntry);
      if (leafProblem !== undefined) fail(`leaf page ${pgno}: ${leafProblem}`);
      continue;
    }
    counts.branch++;
    if (!options.thorough && depth + 1 === tree.depth) {
      // Leaves are not read: only their place in the file is checked, by the furthest one.
      let furthest = 0;
      for (const node of nodes) furthest = Math.max(furthest, page.readUInt16LE(node) + page.readUInt16LE(node + 2) * 0x10000 + page.readUInt16LE(node + 4) * 0x100000000);
      const misplaced = file.misplaced(furthest);
      if (misplaced !== undefined) fail(misplaced);
      continue;
    }
    // Children go on the stack last to first, so leaves are visited in key order.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const child = page.readUInt16LE(node) + page.readUInt16LE(node + 2) * 0x10000 + page.readUInt16LE(node + 4) * 0x100000000;
      pending.push({
        pgno: child,
        depth: depth + 1,
        low: i === 0 || !options.thorough ? low : Buffer.from(nodeKey(page, node)),
        high: i === nodes.length - 1 || !options.thorough ? high : Buffer.from(nodeKey(page, nodes[i + 1]!)),
      });
    }
  }
  if (options.thorough && problems.length === 0) {
    const expected = `${tree.branchPages} branch, ${tree.leafPages} leaf and ${tree.overflowPages} overflow pages holding ${tree.entries} entries`;
    const found = `${counts.branch} branch, ${counts.leaf} leaf and ${counts.overflow} overflow pages holding ${counts.entries} entries`;
    if (expected !== found) fail(`its meta page records ${expected}, the walk found ${found}`);
  }
  return counts.entries;
}

/** Offsets of the page's nodes, each checked to lie inside the page. */
function pageNodes(page: Buffer, pageSize: number): number[] | string {
  const lower = page.readUInt16LE(20);
  const upper = page.readUInt16LE(22);
  if (lower > upper || PAGE_HEADER + upper > pageSize) return `free-space bounds ${lower}..${upper}`;
  const count = lower >> 1;
  if (count === 0) return 'no entries';
  const nodes: number[] = [];
  for (let i = 0; i < count; i++) {
    const node = page.readUInt16LE(PAGE_HEADER + 2 * i) + PAGE_HEADER;
    if (node < PAGE_HEADER + upper || node + NODE_HEADER > pageSize) return `node ${i} at offset ${node}`;
    if (node + NODE_HEADER + page.readUInt16LE(node + 6) > pageSize) return `node ${i}'s key runs past the page`;
    nodes.push(node);
  }
  return nodes;
}

function nodeKey(page: Buffer, node: number): Buffer {
  return page.subarray(node + NODE_HEADER, node + NODE_HEADER + page.readUInt16LE(node + 6));
}

/** Keys ascend within the page and stay within the parent's bounds (a branch page's first key is implicit). */
function keyOrder(
  page: Buffer,
  nodes: readonly number[],
  isLeaf: boolean,
  low: Buffer | undefined,
  high: Buffer | undefined,
  compare: KeyCompare,
): string | undefined {
  let previous = -1;
  for (let i = isLeaf ? 0 : 1; i < nodes.length; i++) {
    const start = nodes[i]! + NODE_HEADER;
    const end = start + page.readUInt16LE(nodes[i]! + 6);
    if (end === start) return `entry ${i} has an empty key`;
    if (previous >= 0) {
      const before = nodes[previous]! + NODE_HEADER;
      if (compare(page, before, before + page.readUInt16LE(nodes[previous]! + 6), page, start, end) > 0) return `keys out of order at entry ${i}`;
    } else if (low !== undefined && compare(low, 0, low.length, page, start, end) > 0) {
      return `entry ${i}'s key lies before its parent's bound`;
    }
    if (high !== undefined && compare(page, start, end, high, 0, high.length) >= 0) return `entry ${i}'s key lies beyond its parent's bound`;
    previous = i;
  }
  return undefined;
}

function readLeaf(
  file: DataFile,
  page: Buffer,
  nodes: readonly number[],
  seen: Set<number>,
  counts: { overflow: number; entries: number },
  onEntry: ((entry: TreeEntry) => void) | undefined,
): string | undefined {
  const pageSize = file.meta.pageSize;
  // The page buffer is reused by the reads of overflow runs: take what is needed first.
  const found: { key: Uint8Array; size: number; inline?: Uint8Array; overflow?: number }[] = [];
  for (const node of nodes) {
    const size = page.readUInt16LE(node) + page.readUInt16LE(node + 2) * 0x10000;
    const flags = page.readUInt16LE(node + 4);
    const key = Buffer.from(nodeKey(page, node));
    const data = node + NODE_HEADER + key.length;
    if ((flags & F_BIGDATA) !== 0) {
      if (data + 8 > pageSize) return `entry ${found.length}'s overflow page number runs past the page`;
      found.push({ key, size, overflow: Number(page.readBigUInt64LE(data)) });
    } else if (flags !== 0) {
      return `entry ${found.length} has node flags ${flags} (sub-databases and duplicates are not used)`;
    } else {
      if (data + size > pageSize) return `entry ${found.length}'s value runs past the page`;
      found.push({ key, size, inline: onEntry === undefined ? undefined : Buffer.from(page.subarray(data, data + size)) });
    }
  }
  for (const entry of found) {
    counts.entries++;
    let value = entry.inline;
    if (entry.overflow !== undefined) {
      const pgno = entry.overflow;
      const pages = Math.floor((PAGE_HEADER - 1 + entry.size) / pageSize) + 1;
      if (seen.has(pgno)) return `overflow page ${pgno} is referenced twice`;
      const first = file.read(pgno);
      if (typeof first === 'string') return first;
      if ((first.readUInt16LE(18) & P_OVERFLOW) === 0) return `page ${pgno} should start a run of overflow pages`;
      const declared = first.readUInt32LE(20);
      if (declared < pages) return `overflow page ${pgno} holds ${declared} pages for a value of ${entry.size} bytes`;
      if (pgno + declared - 1 > file.meta.lastPage || pgno + declared > file.pageCount) return `the overflow pages ${pgno}..${pgno + declared - 1} run past the file`;
      for (let p = pgno; p < pgno + declared; p++) seen.add(p);
      counts.overflow += declared;
      if (onEntry !== undefined) value = file.readRun(pgno, pages).subarray(PAGE_HEADER, PAGE_HEADER + entry.size);
    }
    if (onEntry !== undefined) onEntry({ key: entry.key, value: value! });
  }
  return undefined;
}
