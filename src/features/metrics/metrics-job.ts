/**
 * The metrics' background work, run by one process of all under the
 * 'metrics' lease once a minute: the provisioned capacity of every
 * provisioned table and global index as one sample a minute
 * (ProvisionedRead/WriteCapacityUnits, as CloudWatch keeps them), and the
 * trimming of data older than the retention.
 */
import type { Services } from '../../engine/services.js';
import { storedTableRecords } from '../../engine/catalog.js';
import { Lease } from '../../engine/leases.js';
import { startPeriodicJob, type PeriodicJob } from '../../engine/periodic-job.js';
import { trimMetricData } from './metric-store.js';
import { minuteOf } from './metric-series.js';

const MINUTE_MS = 60_000;

export function startMetricsJob(services: Services): PeriodicJob {
  const { storage, config, logger, metrics } = services;
  return startPeriodicJob({
    intervalMs: MINUTE_MS,
    lease: new Lease(storage, 'metrics', 3 * MINUTE_MS),
    now: true,
    onError: (error) => logger.warn({ err: error }, 'metrics upkeep failed'),
    async round() {
      for (const table of await storage.read(storedTableRecords)) {
        if (table.BillingMode !== 'PROVISIONED' || table.TableStatus === 'DELETING') continue;
        metrics.provisioned(table, table.ProvisionedThroughput);
        for (const index of table.GlobalSecondaryIndexes) metrics.provisioned(table, index.ProvisionedThroughput, index.IndexName);
      }
      await metrics.flush();
      await trimMetricData(storage, minuteOf(Date.now() - config.metricsRetentionMs));
    },
  });
}
