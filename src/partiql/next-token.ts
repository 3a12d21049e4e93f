/**
 * ExecuteStatement's NextToken: opaque to clients, but bound to the request
 * that minted it (statement text, parameters, consistency), so a token replayed
 * with another statement is refused instead of resuming at a meaningless place.
 */
import type { AttributeValue } from '../model/attribute-value.js';
import { hash32 } from '../model/hash.js';
import { validation } from '../protocol/errors.js';

/** Where a SELECT stopped: which of its key ranges, and the storage key of the last entry read. */
export interface Resume {
  readonly range: number;
  readonly after: Uint8Array;
}

const encoder = new TextEncoder();

export function fingerprint(statement: string, parameters: readonly AttributeValue[], consistent: boolean): number {
  return hash32(encoder.encode(JSON.stringify([statement, parameters, consistent])));
}

export function encodeNextToken(print: number, resume: Resume): string {
  const payload = JSON.stringify({ f: print, r: resume.range, k: Buffer.from(resume.after).toString('base64') });
  return Buffer.from(payload, 'utf8').toString('base64');
}

function isToken(raw: unknown): raw is { f: number; r: number; k: string } {
  if (typeof raw !== 'object' || raw === null) return false;
  const { f, r, k } = raw as Record<string, unknown>;
  return Number.isInteger(f) && Number.isInteger(r) && (r as number) >= 0 && typeof k === 'string' && k.length > 0;
}

export function decodeNextToken(token: string, print: number): Resume {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw validation('Invalid NextToken');
  }
  if (!isToken(raw)) throw validation('Invalid NextToken');
  if (raw.f !== print) throw validation('NextToken does not match request');
  return { range: raw.r, after: new Uint8Array(Buffer.from(raw.k, 'base64')) };
}
