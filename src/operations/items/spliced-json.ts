/**
 * Response texts that embed stored item JSON as it is, so items read from
 * storage reach the client without a parse/stringify round trip.
 */
import { RawJson } from '../operation.js';

/**
 * An object whose first members' values are JSON texts already (an undefined
 * one is left out), followed by `members` serialised as JSON.stringify would
 * (undefined members left out).
 */
export function splicedJson(raw: Readonly<Record<string, string | undefined>>, members: object = {}): RawJson {
  const parts: string[] = [];
  for (const name in raw) {
    const text = raw[name];
    if (text !== undefined) parts.push(`${JSON.stringify(name)}:${text}`);
  }
  const rest = JSON.stringify(members);
  if (rest !== '{}') parts.push(rest.slice(1, -1));
  return new RawJson(`{${parts.join(',')}}`);
}

/** A JSON array of JSON texts. */
export function jsonArray(texts: readonly string[]): string {
  return `[${texts.join(',')}]`;
}
