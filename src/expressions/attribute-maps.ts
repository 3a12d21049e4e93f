/**
 * One request's ExpressionAttributeNames / ExpressionAttributeValues: validated
 * once, then consulted by every expression of the request, remembering which
 * entries were used so that the unused ones can be reported at the end.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { attributeNameProblem, validateAttributeValue } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';

const KEY_PATTERN = /^[0-9A-Za-z_]+$/;
/** `#name` and `:value` keys hold at most 255 bytes, checked before their syntax (DynamoDB Local 3.3.1, ExtendDB's captures of DynamoDB). */
const MAX_KEY_BYTES = 255;

const keyBytes = (key: string): number => (key.length * 3 > MAX_KEY_BYTES ? Buffer.byteLength(key, 'utf8') : key.length);

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

export class AttributeMaps {
  private readonly names = new Map<string, string>();
  private readonly values = new Map<string, AttributeValue>();
  private readonly unusedNames = new Set<string>();
  private readonly unusedValues = new Set<string>();

  constructor(names: unknown, values: unknown) {
    if (names !== undefined && names !== null) this.loadNames(names);
    if (values !== undefined && values !== null) this.loadValues(values);
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
