/**
 * One request's ExpressionAttributeNames / ExpressionAttributeValues: validated
 * once, then consulted by every expression of the request, remembering which
 * entries were used so that the unused ones can be reported at the end.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { validateAttributeValue } from '../model/validate-value.js';
import { validation } from '../protocol/errors.js';

const KEY_PATTERN = /^[0-9A-Za-z_]+$/;

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
    for (const [key, name] of entries) {
      if (!key.startsWith('#') || !KEY_PATTERN.test(key.slice(1))) {
        throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
      }
      this.names.set(key, String(name));
      this.unusedNames.add(key);
    }
  }

  private loadValues(raw: unknown): void {
    const entries = isRecord(raw) ? Object.entries(raw) : [];
    if (entries.length === 0) throw validation('ExpressionAttributeValues must not be empty');
    for (const [key] of entries) {
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
