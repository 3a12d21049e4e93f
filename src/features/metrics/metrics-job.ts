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
import { trimMetricData } from './metric-store.js';
import { minuteOf } from './metric-series.js';

const MINUTE_MS = 60_000;

export interface MetricsJob {
  stop(): Promise<void>;
}

export function startMetricsJob(services: Services): MetricsJob {
  const { storage, config, logger, metrics } = services;
  const lease = new Lease(storage, 'metrics', 3 * MINUTE_MS);
  let running: Promise<void> | undefined;
  const round = async () => {
    if (!(await lease.hold())) return;
    const tables = await storage.read(storedTableRecords);
    for (const table of tables) {
      if (table.BillingMode !== 'PROVISIONED' || table.TableStatus === 'DELETING') continue;
      metrics.provisioned(table, table.ProvisionedThroughput);
      for (const index of table.GlobalSecondaryIndexes ?? []) metrics.provisioned(table, index.ProvisionedThroughput, index.IndexName);
    }
    await metrics.flush();
    await trimMetricData(storage, minuteOf(Date.now() - config.metricsRetentionMs));
  };
  const tick = () => {
    running ??= round()
      .catch((error: unknown) => logger.warn({ err: error }, 'metrics upkeep failed'))
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, MINUTE_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await lease.release().catch(() => undefined);
    },
  };
}
