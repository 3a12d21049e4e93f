/** The long-lived parts every operation may use, created once per server. */
import { masterKeysOf } from '../security/encryption/encrypting-storage.js';
import type { MasterKeys } from '../security/encryption/master-keys.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/storage.js';
import { Catalog } from './catalog.js';
import { ItemStore } from './items.js';
import { Members } from './members.js';
import { loadServerSecret } from './server-secret.js';
import { EnforcedLimits, UNLIMITED, type ThroughputLimits } from '../features/capacity/throughput-limits.js';
import { FORMAT_4_UPGRADE } from '../features/streams/upgrade-format-4.js';
import { DynamoDbMetrics, NO_METRICS, type Metrics } from '../features/metrics/dynamodb-metrics.js';
import { MetricRecorder } from '../features/metrics/recorder.js';
import { MeteredLimits } from '../features/metrics/metered-limits.js';
import { InsightCounter } from '../features/insights/insight-counter.js';
import type { Buckets } from '../features/s3/bucket.js';
import { FolderBuckets } from '../features/s3/folder-bucket.js';
import { S3Buckets } from '../features/s3/s3-bucket.js';
import { AuditLog } from '../features/audit/audit-log.js';

export interface Services {
  readonly config: Config;
  readonly logger: Logger;
  readonly storage: Storage;
  readonly catalog: Catalog;
  readonly items: ItemStore;
  /** Capacity enforcement (UNLIMITED with --capacity report). */
  readonly throughput: ThroughputLimits;
  /** The processes serving this store, when their number matters (capacity enforcement shares rates among them). */
  readonly members?: Members;
  /** CloudWatch's DynamoDB metrics (NO_METRICS with --metrics off). */
  readonly metrics: Metrics;
  /** What records them, flushed to storage by the server (absent with --metrics off). */
  readonly recorder?: MetricRecorder;
  /** Contributor Insights' counts, flushed with the metrics (absent with --metrics off: nothing is counted). */
  readonly insights?: InsightCounter;
  /** The S3 buckets exports write to and imports read from. */
  readonly buckets: Buckets;
  /** The audit log (--audit-log); absent when calls are not logged. */
  readonly audit?: AuditLog;
  /** The store's secret, the same in every process and node (server-secret.ts): what shard iterators are signed with. */
  readonly secret: Uint8Array;
  /** The master keys of --kms-key-file, whose state DescribeTable reports; absent without one. */
  readonly masterKeys?: MasterKeys;
}

export async function createServices(config: Config, logger: Logger, storage: Storage): Promise<Services> {
  const catalog = await Catalog.open(storage, config, [FORMAT_4_UPGRADE]);
  const secret = await loadServerSecret(storage);
  const items = new ItemStore(storage, config, () => catalog.version);
  const members = config.capacity === 'enforce' ? new Members(storage) : undefined;
  const limits = members === undefined ? UNLIMITED : new EnforcedLimits(config.burstSeconds, () => members.count);
  const buckets = config.s3Endpoint === undefined ? new FolderBuckets(config.s3Dir) : new S3Buckets(config.s3Endpoint);
  const audit =
    config.auditLog === undefined
      ? undefined
      : new AuditLog(config.auditLog, config, logger, (ns) => (table) => catalog.get(ns, table)?.KeySchema.map((element) => element.AttributeName));
  const masterKeys = masterKeysOf(storage);
  const base = { config, logger, storage, catalog, items, buckets, secret, ...(masterKeys === undefined ? {} : { masterKeys }), ...(members === undefined ? {} : { members }), ...(audit === undefined ? {} : { audit }) };
  if (!config.metrics) return { ...base, throughput: limits, metrics: NO_METRICS };
  const recorder = new MetricRecorder(storage);
  const metrics = new DynamoDbMetrics(recorder);
  const insights = new InsightCounter(storage);
  return { ...base, throughput: new MeteredLimits(limits, metrics, insights), metrics, recorder, insights };
}
