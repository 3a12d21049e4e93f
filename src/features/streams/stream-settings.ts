/** How streams roll shards and how long they keep records. */
export interface StreamSettings {
  /** A shard closes and gets a child after this many records... */
  readonly shardMaxRecords: number;
  /** ...or once it is this old (ms) when the next record arrives. */
  readonly shardMaxAgeMs: number;
  /** Records older than this (ms) are trimmed: DynamoDB keeps 24 hours. */
  readonly retentionMs: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  shardMaxRecords: 10_000,
  shardMaxAgeMs: 4 * 3600_000,
  retentionMs: 24 * 3600_000,
};
