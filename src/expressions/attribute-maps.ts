/**
 * One request's ExpressionAttributeNames / ExpressionAttributeValues: validated
 * once, then consulted by every expression of the request, remembering which
 * entries were used so that the unused ones can be reported at the end.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { attributeValueSize, utf8Length } from '../model/item-size.js';
import { attributeNameProblem, validateAttributeValue } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';

const KEY_PATTERN = /^[0-9A-Za-z_]+$/;
/** `#name` and `:value` keys hold at most 255 bytes, checked before their syntax (DynamoDB Local 3.3.1, ExtendDB's captures of DynamoDB). */
const MAX_KEY_BYTES = 255;

const keyBytes = (key: string): number => (key.length * 3 > MAX_KEY_BYTES ? Buffer.byteLength(key, 'utf8') : key.length);

/**
 * The names and the values may each hold 2 MB, and so may both together,
 * counted as an item's attributes are: keys plus names, keys plus value
 * sizes. Checked once both maps are valid (DynamoDB Local 3.3.1).
 */
const MAX_MAPS_BYTES = 2 * 1024 * 1024;

/** At least a value's size: a number's never exceeds its text plus 3 bytes. */
const valueSizeBound = (value: AttributeValue): number => ('N' in value ? value.N.length + 3 : attributeValueSize(value));

/**
 * An expression with its names and values substituted (text plus the bytes of
 * each name, the size of each value, once per use) holds at most 1 MB;
 * DynamoDB checks it after the expression's other checks (DynamoDB Local 3.3.1).
 */
const MAX_SUBSTITUTED_BYTES = 1024 * 1024;

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

export class AttributeMaps {
  private readonly names = new Map<string, string>();
  private readonly values = new Map<string, AttributeValue>();
  private readonly unusedNames = new Set<string>();
  private readonly unusedValues = new Set<string>();
  /** The most one substitution adds: bounds an expression's substituted size without computing it. */
  private largestSubstitution = 0;

  constructor(names: unknown, values: unknown) {
    if (names !== undefined && names !== null) this.loadNames(names);
    if (values !== undefined && values !== null) this.loadValues(values);
    this.checkSizes();
  }

  private checkSizes(): void {
    const names = this.mapSize(this.names, utf8Length);
    if (names > MAX_MAPS_BYTES) throw validation('ExpressionAttributeNames exceeds max size');
    // Numbers are costly to measure: an upper bound settles all but large requests.
    let values = this.mapSize(this.values, valueSizeBound);
    if (names + values <= MAX_MAPS_BYTES) return;
    values = this.mapSize(this.values, attributeValueSize);
    if (values > MAX_MAPS_BYTES) throw validation('ExpressionAttributeValues exceeds max size');
    if (names + values > MAX_MAPS_BYTES) throw validation('Combined size of ExpressionAttributeNames and ExpressionAttributeValues exceeds max size');
  }

  /** Keys plus entry sizes, noting the largest entry (a bound of it will do). */
  private mapSize<V>(map: ReadonlyMap<string, V>, entrySize: (entry: V) => number): number {
    let total = 0;
    for (const [key, entry] of map) {
      const size = entrySize(entry);
      total += key.length + size;
      this.largestSubstitution = Math.max(this.largestSubstitution, size);
    }
    return total;
  }

  private loadNames(raw: unknown): void {
    const entries = isRecord(raw) ? Object.entries(raw) : [];
    if (entries.length === 0) throw validation('ExpressionAttributeNames must not be empty');
    for (const [key] of entries) {
      const size = keyBytes(key);
      if (size > MAX_KEY_BYTES) {
        throw validation(`ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: ${size}`);
      }
      if (!key.startsWith('#') || !KEY_PATTERN.test(key.slice(1))) {
        throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
      }
    }
    for (const [key, raw] of entries) {
      const name = String(raw);
      const problem = attributeNameProblem(name);
      if (problem !== undefined) throw validation(`ExpressionAttributeNames contains invalid value: ${problem} for key ${key}`);
      this.names.set(key, name);
      this.unusedNames.add(key);
    }
  }

  private loadValues(raw: unknown): void {
    const entries = isRecord(raw) ? Object.entries(raw) : [];
    if (entries.length === 0) throw validation('ExpressionAttributeValues must not be empty');
    for (const [key] of entries) {
      // DynamoDB Local 3.3.1 gives no size here, unlike for ExpressionAttributeNames.
      if (keyBytes(key) > MAX_KEY_BYTES) throw validation('ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;');
      if (!key.startsWith(':') || !KEY_PATTERN.test(key.slice(1))) {
        throw validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
      }
    }
    for (const [key, value] of entries) {
      const context = (message: string): string =>
        `ExpressionAttributeValues contains invalid value: ${message} for key ${key}`;
      this.values.set(key, validateAttributeValue(value, context));
      this.unusedValues.add(key);
    }
  }

  /** The attribute name behind `#alias`, or undefined when the request does not define it. */
  name(alias: string): string | undefined {
    const name = this.names.get(alias);
    if (name !== undefined) this.unusedNames.delete(alias);
    return name;
  }

  value(placeholder: string): AttributeValue | undefined {
    const value = this.values.get(placeholder);
    if (value !== undefined) this.unusedValues.delete(placeholder);
    return value;
  }

  /** The problem of an expression too large once substituted; call after its placeholders were found defined. */
  substitutedSizeProblem(text: string, placeholders: readonly string[]): string | undefined {
    if (text.length * 3 + placeholders.length * this.largestSubstitution <= MAX_SUBSTITUTED_BYTES) return undefined;
    let size = utf8Length(text);
    for (const placeholder of placeholders) {
      const name = this.names.get(placeholder);
      size += name === undefined ? attributeValueSize(this.values.get(placeholder) as AttributeValue) : utf8Length(name);
    }
    return size > MAX_SUBSTITUTED_BYTES ? 'Expression size has exceeded the maximum allowed size;' : undefined;
  }

  /** Names are reported before values, as DynamoDB does. */
  assertAllUsed(): void {
    if (this.unusedNames.size > 0) {
      throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${[...this.unusedNames].join(', ')}}`);
    }
    if (this.unusedValues.size > 0) {
      throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${[...this.unusedValues].join(', ')}}`);
    }
  }
}
