/**
 * DynamoDB's rules for table tags, shared by CreateTable, TagResource and
 * UntagResource. Every message and limit here was recorded against live
 * DynamoDB in 2026 (ack-api-quirks DynamoDB lab, findings DDB-TABLE-105 to -110
 * and -372): a bad tag is always a ValidationException and fails the whole call.
 */
import { validation } from '../../protocol/errors.js';
import type { Tag } from '../../engine/table.js';
import type { TagInput } from './table-shapes.js';

export const MAX_TAGS_PER_TABLE = 50;

const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

/** AWS's tag alphabet: letters and digits of any script, spaces, and + - = . _ : / @ (emoji and other punctuation are refused). */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The reserved prefix AWS uses for its own tags, in any letter case. */
const RESERVED_PREFIX = 'aws:';

const TOO_MANY_TAGS = 'Number of Tags exceed the current limit for the provided ResourceArn';

function fits(text: string, min: number, max: number): boolean {
  const length = [...text].length;
  return length >= min && length <= max && TAG_CHARACTERS.test(text);
}

/** A tag key, as TagResource, UntagResource and CreateTable check it; an absent key shows as null. */
export function checkTagKey(key: string | undefined): string {
  if (key === undefined || !fits(key, 1, MAX_KEY_LENGTH)) throw validation(`The Tag Key provided is invalid, Key: ${key ?? 'null'}`);
  if (key.toLowerCase().startsWith(RESERVED_PREFIX)) throw validation(`Tag Key cannot be prefixed with aws:, Key: ${key}`);
  return key;
}

/** The tags of one request, each key then its value, a key given twice refused: the checked tags. */
export function checkTags(tags: readonly TagInput[]): Tag[] {
  const seen = new Set<string>();
  return tags.map((tag) => {
    const Key = checkTagKey(tag.Key);
    const Value = tag.Value;
    if (Value === undefined || !fits(Value, 0, MAX_VALUE_LENGTH)) throw validation(`The Tag Value provided is invalid, Value: ${Value ?? 'null'}`);
    if (seen.has(Key)) throw validation(`Duplicate Tag Keys provided as input: Duplicate Tag Key found ${Key}`);
    seen.add(Key);
    return { Key, Value };
  });
}

/** UntagResource's keys: each a valid key, and no more of them than a table may carry. */
export function checkTagKeys(keys: readonly string[]): void {
  for (const key of keys) checkTagKey(key);
  if (keys.length > MAX_TAGS_PER_TABLE) throw validation(TOO_MANY_TAGS);
}

/** `current` with `added` applied: a tag with an existing key replaces its value; the limit counts the merged set. */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(current.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) byKey.set(tag.Key, tag.Value);
  if (byKey.size > MAX_TAGS_PER_TABLE) throw validation(TOO_MANY_TAGS);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}
