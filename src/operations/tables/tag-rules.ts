/** DynamoDB's rules for table tags, shared by CreateTable and TagResource. */
import { DynamoError, validation } from '../../protocol/errors.js';
import type { Tag } from '../../engine/table.js';
import { INVALID } from './key-schema-rules.js';
import type { TagInput } from './table-shapes.js';

export const MAX_TAGS_PER_TABLE = 50;

/** The reserved prefix AWS uses for its own tags. */
const RESERVED_PREFIX = 'aws:';

export function checkTagKeys(tags: readonly TagInput[]): void {
  const reserved = tags.find((tag) => tag.Key.toLowerCase().startsWith(RESERVED_PREFIX));
  if (reserved !== undefined) throw validation(`${INVALID}Tag keys starting with 'aws:' are reserved for system use`);
}

/** `current` with `added` applied: a tag with an existing key replaces its value. */
export function mergeTags(current: readonly Tag[], added: readonly TagInput[]): Tag[] {
  const byKey = new Map(current.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) byKey.set(tag.Key, tag.Value);
  if (byKey.size > MAX_TAGS_PER_TABLE) {
    throw new DynamoError('LimitExceededException', `The number of tags exceeds the limit of ${MAX_TAGS_PER_TABLE} tags per resource`);
  }
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}
