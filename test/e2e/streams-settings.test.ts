/**
 * The stream settings of the `dynalith` command (--stream-shard-records,
 * --stream-shard-age-ms, --stream-retention-ms and their DYNALITH_* variables),
 * and a consumer that follows shard lineage across the rollovers a small
 * --stream-shard-records causes, through @aws-sdk/client-dynamodb-streams.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type _Record, type Shard } from '@aws-sdk/client-dynamodb-streams';
import { parseConfig } from '../../src/cli.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { runChild, startChild, type ChildServer } from '../helpers/child-server.js';
import { clientFor, externalEndpoint, uniqueName } from '../helpers/harness.js';
import { createStreamTable, streamsClient } from '../helpers/streams.js';

function config(argv: string[], env: NodeJS.ProcessEnv = {}): Config {
  const parsed = parseConfig(argv, env);
  assert.equal(typeof parsed, 'object');
  return parsed as Config;
}

describe('stream settings of the dynalith command', { skip: externalEndpoint !== undefined }, () => {
  test('flags and DYNALITH_* variables set shard rollover and retention; a flag wins', () => {
    const defaults = config([]);
    assert.equal(defaults.streamShardMaxRecords, DEFAULT_CONFIG.streamShardMaxRecords);
    assert.equal(defaults.streamShardMaxAgeMs, 4 * 3600_000);
    assert.equal(defaults.streamRetentionMs, 24 * 3600_000);
    const flags = config(['--stream-shard-records', '5', '--stream-shard-age-ms', '60000', '--stream-retention-ms', '120000']);
    assert.deepEqual([flags.streamShardMaxRecords, flags.streamShardMaxAgeMs, flags.streamRetentionMs], [5, 60_000, 120_000]);
    const env = config([], { DYNALITH_STREAM_SHARD_RECORDS: '7', DYNALITH_STREAM_SHARD_AGE_MS: '1000', DYNALITH_STREAM_RETENTION_MS: '2000' });
    assert.deepEqual([env.streamShardMaxRecords, env.streamShardMaxAgeMs, env.streamRetentionMs], [7, 1000, 2000]);
    assert.equal(config(['--stream-shard-records', '9'], { DYNALITH_STREAM_SHARD_RECORDS: '7' }).streamShardMaxRecords, 9);
    assert.equal(config(['--stream-shard-records', '0']).streamShardMaxRecords, 1);
    assert.throws(() => parseConfig(['--stream-retention-ms', 'a day'], {}), /--stream-retention-ms must be an integer/);
  });

  test('--help lists them', async () => {
    const help = await runChild(['--help']);
    for (const flag of ['--stream-shard-records', '--stream-shard-age-ms', '--stream-retention-ms', '--ttl-interval-ms']) assert.ok(help.stdout.includes(flag), flag);
  });

  describe('a small --stream-shard-records', () => {
    let child: ChildServer | undefined;
    after(async () => {
      child?.process.kill('SIGTERM');
      await child?.exited();
    });

    test('makes a consumer cross shards, parent before child, seeing every record once', async () => {
      child = await startChild(['--in-memory', '--port', '0', '--log-level', 'silent', '--stream-shard-records', '3']);
      const ddb = clientFor(child.endpoint);
      const streams = streamsClient(child.endpoint);
      const { TableName, arn: StreamArn } = await createStreamTable(ddb, uniqueName('shard_records'), 'KEYS_ONLY');
      for (let i = 0; i < 10; i++) await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i}` } } }));

      const shards: Shard[] = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards!;
      // 3 records per shard: 10 records fill three shards and open a fourth.
      assert.equal(shards.length, 4);
      const root = shards.find((shard) => shard.ParentShardId === undefined)!;
      const records: _Record[] = [];
      const visited: string[] = [];
      for (let shard: Shard | undefined = root; shard !== undefined; shard = shards.find((s) => s.ParentShardId === shard!.ShardId)) {
        visited.push(shard.ShardId!);
        let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        while (iterator !== undefined) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 2 }));
          records.push(...page.Records!);
          iterator = page.NextShardIterator;
          // The open shard keeps handing out iterators; stop once it has nothing more.
          if (!closed && page.Records!.length === 0) break;
        }
      }
      assert.equal(visited.length, 4);
      assert.deepEqual(records.map((r) => r.dynamodb!.Keys!.pk!.S), Array.from({ length: 10 }, (_, i) => `k${i}`));
      const sequences = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
      assert.ok(sequences.every((s, i) => i === 0 || s > sequences[i - 1]!));
      ddb.destroy();
      streams.destroy();
    });
  });
});
