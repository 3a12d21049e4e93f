/**
 * SELECT: planned like a Query when the WHERE clause pins the partition key
 * (`=` or `IN`) of the table or index read — one storage key range per
 * partition, narrowed by one sort-key condition when there is one — and as a
 * Scan otherwise. Partitions pinned by `IN` are read in key order, each in
 * sort-key order (see `ordering`). The whole WHERE clause then filters what was read, so the
 * plan only ever decides how much is read, never what matches.
 */
import type { AttributeValue, Item, KeyType } from '../model/attribute-value.js';
import { compareKeyValues, prefixEnd, type KeyRange, type KeyValue } from '../model/key-codec.js';
import type { KeyAttribute } from '../model/primary-key.js';
import { validation } from '../protocol/errors.js';
import { CapacityUsage, readUnits, type ConsumedCapacity, type ReturnConsumedCapacity } from '../engine/capacity.js';
import { MAX_PAGE_BYTES, readPage, type PageEntry } from '../engine/reader.js';
import type { TableRecord } from '../engine/table.js';
import type { ConditionNode } from '../expressions/ast.js';
import { valueAt } from '../expressions/document-path.js';
import type { KeyOperator, KeyTerm } from '../expressions/index.js';
import type { OperationContext } from '../operations/operation.js';
import { dataTable } from '../operations/items/item-operation.js';
import { keyRange, type SortCondition } from '../engine/key-layout.js';
import { entryKey, readSource, tableItemFetcher, type ReadSource } from '../engine/read-source.js';
import type { SelectStatement, Target } from './ast.js';
import { conjuncts, type Binding } from './bind.js';
import { decodeNextToken, encodeNextToken, fingerprint, type Resume } from './next-token.js';

export interface SelectOptions {
  /** The statement text, which with the parameters binds a NextToken to its request. */
  readonly text: string;
  readonly consistent: boolean;
  readonly limit?: number;
  readonly nextToken?: string;
  readonly returnConsumedCapacity?: ReturnConsumedCapacity;
}

export interface SelectResult {
  readonly table: TableRecord;
  readonly items: Item[];
  readonly nextToken?: string;
  readonly consumedCapacity?: ConsumedCapacity;
  /** Item-size bytes of every entry read, matched or not: what the read is charged on. */
  readonly bytesRead: number;
}

/** The table or index a SELECT reads, with PartiQL's own wording of the index faults. */
export function selectSource(context: OperationContext, target: Target, consistent: boolean): ReadSource {
  const source = readSource(dataTable(context, target.table), target.index);
  if (source === undefined) throw validation('The table does not have the specified index');
  if (source.index?.global === true && consistent) throw validation('Strongly consistent read is not supported on Global Secondary Indexes');
  return source;
}

const ORDERED: Readonly<Record<string, KeyOperator>> = { '=': 'EQ', '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE' };
const MIRRORED: Readonly<Record<string, KeyOperator>> = { '=': 'EQ', '<': 'GT', '<=': 'GE', '>': 'LT', '>=': 'LE' };

const ofType = (value: AttributeValue | undefined, type: KeyType): value is KeyValue => value !== undefined && type in value;

/** A conjunct a key range can express on the sort key `name`, as a key-condition term. */
function sortTerm(node: ConditionNode, name: string, type: KeyType, binding: Binding): KeyTerm | undefined {
  if (node.kind === 'compare' && node.operator !== '<>') {
    if (binding.attributeOf(node.left) === name) {
      const value = binding.valueOf(node.right);
      if (ofType(value, type)) return { name, operator: ORDERED[node.operator] as KeyOperator, values: [value] };
    }
    if (binding.attributeOf(node.right) === name) {
      const value = binding.valueOf(node.left);
      if (ofType(value, type)) return { name, operator: MIRRORED[node.operator] as KeyOperator, values: [value] };
    }
  }
  if (node.kind === 'between' && binding.attributeOf(node.subject) === name) {
    const [low, high] = [binding.valueOf(node.low), binding.valueOf(node.high)];
    if (ofType(low, type) && ofType(high, type)) return { name, operator: 'BETWEEN', values: [low, high] };
  }
  if (node.kind === 'function' && node.call.name === 'begins_with' && type !== 'N') {
    const [path, prefix] = node.call.args;
    const value = prefix && binding.valueOf(prefix);
    if (path && binding.attributeOf(path) === name && ofType(value, type)) return { name, operator: 'BEGINS_WITH', values: [value] };
  }
  return undefined;
}

/** The distinct values a WHERE clause pins one key attribute to (`=` or `IN`), in key order; undefined when it pins none. */
function pinnedValues(where: ConditionNode | undefined, { name, type }: KeyAttribute, binding: Binding): KeyValue[] | undefined {
  for (const node of conjuncts(where)) {
    let candidates: (AttributeValue | undefined)[] | undefined;
    if (node.kind === 'compare' && node.operator === '=') {
      if (binding.attributeOf(node.left) === name) candidates = [binding.valueOf(node.right)];
      else if (binding.attributeOf(node.right) === name) candidates = [binding.valueOf(node.left)];
    } else if (node.kind === 'in' && binding.attributeOf(node.subject) === name) {
      candidates = node.list.map((operand) => binding.valueOf(operand));
    }
    if (candidates === undefined || candidates.some((value) => value === undefined)) continue;
    // A value of another type than the key's matches no item, so it reads nothing.
    const pinned = candidates.filter((value): value is KeyValue => ofType(value, type)).sort(compareKeyValues);
    return pinned.filter((value, i) => i === 0 || compareKeyValues(pinned[i - 1] as KeyValue, value) !== 0);
  }
  return undefined;
}

/** Reading more partitions than this one by one costs more than one scan. */
const MAX_PINNED_PARTITIONS = 100;

/**
 * The distinct partitions a WHERE clause pins, in key order: every partition
 * attribute pinned, each combination of their values one partition.
 * Undefined when it pins none (or too many to be worth reading one by one).
 */
function partitions(where: ConditionNode | undefined, source: ReadSource, binding: Binding): KeyValue[][] | undefined {
  let combinations: KeyValue[][] = [[]];
  for (const attribute of source.layout.partition) {
    const values = pinnedValues(where, attribute, binding);
    if (values === undefined) return undefined;
    combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
    if (combinations.length > MAX_PINNED_PARTITIONS) return undefined;
  }
  return combinations;
}

/** Which way ORDER BY runs the partitions (by partition key) and each partition's items (by sort key). */
interface Ordering {
  readonly partitionsDescending: boolean;
  readonly itemsDescending: boolean;
}

/**
 * Several partitions (`IN`) are read one after the other in key order, each
 * in sort-key order: ORDER BY turns either around, never interleaves them.
 */
function ordering(statement: SelectStatement, source: ReadSource, binding: Binding): Ordering {
  const order = statement.orderBy;
  if (order === undefined) return { partitionsDescending: false, itemsDescending: false };
  if (statement.where === undefined) throw validation('Must have WHERE clause in the statement when using ORDER BY clause.');
  const descending = new Map<string, boolean>();
  for (const { path, descending: down } of order) {
    const name = binding.path(path);
    const key = name[0] as string;
    if (name.length !== 1 || ![...source.layout.partition, ...source.layout.sort].some((attribute) => attribute.name === key)) {
      throw validation('ORDER BY is supported only on the key attributes of the table or index read');
    }
    if (!descending.has(key)) descending.set(key, down);
  }
  const [hash] = source.layout.partition;
  const [range] = source.layout.sort;
  return {
    partitionsDescending: descending.get(hash!.name) ?? false,
    itemsDescending: range !== undefined && (descending.get(range.name) ?? false),
  };
}

/**
 * The key range of each pinned partition, narrowed by `=` on the leading sort
 * attributes and one condition a range can serve on the next.
 */
function readRanges(statement: SelectStatement, source: ReadSource, binding: Binding, order: Ordering): KeyRange[] {
  const pinned = partitions(statement.where, source, binding);
  const prefix = source.layout.prefix;
  if (pinned === undefined) return [{ start: prefix, end: prefixEnd(prefix) }];
  if (order.partitionsDescending) pinned.reverse();
  const equalities: KeyValue[] = [];
  let last: KeyTerm | undefined;
  for (const { name, type } of source.layout.sort) {
    const terms = conjuncts(statement.where).flatMap((node) => sortTerm(node, name, type, binding) ?? []);
    const equal = terms.find((term) => term.operator === 'EQ');
    if (equal === undefined) {
      last = terms[0];
      break;
    }
    equalities.push(equal.values[0] as KeyValue);
  }
  const condition = last && { operator: last.operator as SortCondition['operator'], values: last.values as KeyValue[] };
  return pinned.map((partition) => keyRange(source.layout, partition, equalities, condition));
}

/** A GSI answers only with what it projects, so naming anything else is refused. */
function checkProjected(statement: SelectStatement, source: ReadSource, binding: Binding): void {
  const index = source.index;
  if (index === undefined || !index.global || index.projected === undefined || statement.projection === undefined) return;
  const projected = index.projected;
  const roots = new Set(statement.projection.map(({ path }) => binding.path(path)[0] as string));
  const missing = [...roots].filter((name) => !projected.has(name)).sort();
  if (missing.length > 0) {
    throw validation(`One or more parameter values were invalid: Global secondary index ${index.record.IndexName} does not project [${missing.join(', ')}]`);
  }
}

/** A SELECT's projection of one item (the whole item for `SELECT *`). */
export function project(statement: SelectStatement, binding: Binding, item: Item): Item {
  if (statement.projection === undefined) return item;
  const out: Item = {};
  for (const { path, label } of statement.projection) {
    const value = valueAt(item, binding.path(path));
    if (value !== undefined) out[label] = value;
  }
  return out;
}

function bytesOf(entries: readonly PageEntry[]): { entryBytes: number; baseBytes: number } {
  let entryBytes = 0;
  let baseBytes = 0;
  for (const entry of entries) {
    entryBytes += entry.stored.size;
    baseBytes += entry.base?.size ?? 0;
  }
  return { entryBytes, baseBytes };
}

function usageOf(source: ReadSource, bytes: { entryBytes: number; baseBytes: number }, options: SelectOptions): CapacityUsage {
  const { entryBytes, baseBytes } = bytes;
  const usage = new CapacityUsage();
  const index = source.index;
  if (index === undefined) usage.addTable(readUnits(entryBytes, options.consistent));
  else {
    usage.addIndex(index.record.IndexName, !index.global, readUnits(entryBytes, options.consistent));
    if (baseBytes > 0) usage.addTable(readUnits(baseBytes, options.consistent));
  }
  return usage;
}

export async function runSelect(context: OperationContext, statement: SelectStatement, binding: Binding, options: SelectOptions): Promise<SelectResult> {
  const filter = statement.where === undefined ? undefined : binding.condition(statement.where);
  const source = selectSource(context, statement.target, options.consistent);
  checkProjected(statement, source, binding);
  const order = ordering(statement, source, binding);
  const reverse = order.itemsDescending;
  const ranges = readRanges(statement, source, binding, order);
  const print = fingerprint(options.text, binding.parameters, options.consistent);
  const start: Resume | undefined = options.nextToken === undefined ? undefined : decodeNextToken(options.nextToken, print);
  if (start !== undefined && start.range >= Math.max(ranges.length, 1)) throw validation('Invalid NextToken');
  // An LSI entry without every attribute is completed from the table item; a GSI answers with what it projects.
  const fetch = source.index !== undefined && !source.index.global && source.index.projected !== undefined ? tableItemFetcher(source) : undefined;

  // Charged as the Query or Scan it stands for: refused while the table or global index it reads has no capacity left.
  const target = source.index?.global === true ? { index: source.index.record.IndexName } : {};
  context.services.throughput.admit(source.table, 'read', target);
  const entries: PageEntry[] = [];
  let resume: Resume | undefined;
  // One page of 1 MB however many ranges (partitions named by IN) it reads.
  let maxBytes = MAX_PAGE_BYTES;
  for (let r = start?.range ?? 0; r < ranges.length; r++) {
    const limit = options.limit === undefined ? undefined : options.limit - entries.length;
    const exclusiveStart = r === start?.range ? start.after : undefined;
    const page = await readPage(context.services.storage, { range: ranges[r] as KeyRange, exclusiveStart, reverse, limit, maxBytes, keyOf: source.keyOf }, fetch);
    // One by one: a page of small items can hold more entries than a call takes arguments.
    for (const entry of page.entries) {
      entries.push(entry);
      maxBytes -= entry.stored.size;
    }
    const last = page.entries[page.entries.length - 1];
    if (page.cut && last !== undefined) {
      resume = { range: r, after: entryKey(source, last.stored.item) };
      break;
    }
  }
  const items = entries
    .map((entry) => (entry.base ?? entry.stored).item)
    .filter((item) => filter === undefined || filter(item))
    .map((item) => project(statement, binding, item));
  const bytes = bytesOf(entries);
  const usage = usageOf(source, bytes, options);
  context.services.throughput.charge(source.table, 'read', usage, target);
  context.services.metrics.returnedItems(source.table, 'ExecuteStatement', items.length);
  return {
    table: source.table,
    items,
    nextToken: resume === undefined ? undefined : encodeNextToken(print, resume),
    consumedCapacity: usage.report(options.returnConsumedCapacity, source.table),
    bytesRead: bytes.entryBytes + bytes.baseBytes,
  };
}
