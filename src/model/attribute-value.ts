/**
 * DynamoDB's attribute value, exactly as it travels in DynamoDB JSON.
 * Binary values stay base64 text (as on the wire) so that stored items can be
 * answered without re-encoding; code that compares bytes decodes on demand.
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] };

export type Item = Record<string, AttributeValue>;

export type TypeTag = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS';

export const TYPE_TAGS: readonly TypeTag[] = ['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS'];

/** Key attributes may only be scalar strings, numbers or binaries. */
export type KeyType = 'S' | 'N' | 'B';

/** The single type tag of a value that has already been validated. */
export function typeOf(value: AttributeValue): TypeTag {
  for (const tag in value) return tag as TypeTag;
  throw new Error('attribute value without a type');
}

/** The payload of a validated value, typed loosely for generic walkers. */
export function payloadOf(value: AttributeValue): unknown {
  return (value as Record<string, unknown>)[typeOf(value)];
}
