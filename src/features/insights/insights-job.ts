/**
 * Contributor Insights' background work in each process: its counts go to
 * storage every metrics flush interval, and once a minute the process that
 * holds the insights lease deletes the minutes older than the metrics
 * retention (one trimmer among all the processes and nodes on the store).
 */
import type { Storage } from '../../storage/storage.js';
import { Lease } from '../../engine/leases.js';
import { startPeriodicJob, type PeriodicJob } from '../../engine/periodic-job.js';
import { minuteOf } from '../metrics/metric-series.js';
import type { InsightCounter } from './insight-counter.js';
import { trimInsightData } from './insight-store.js';

const TRIM_EVERY_MS = 60_000;

export function startInsightsJob(
  storage: Storage,
  counter: InsightCounter,
  config: { readonly metricsFlushMs: number; readonly metricsRetentionMs: number },
  onError: (error: unknown) => void,
): PeriodicJob {
  // Asked once a minute, renewed past half its length: its holder keeps it while it lives.
  const lease = new Lease(storage, 'insights-trim', 3 * TRIM_EVERY_MS);
  let trimmedAt = 0;
  return startPeriodicJob({
    intervalMs: config.metricsFlushMs,
    onError,
    async round() {
      await counter.flush();
      const now = Date.now();
      if (now - trimmedAt < TRIM_EVERY_MS) return;
      trimmedAt = now;
      if (await lease.hold()) await trimInsightData(storage, minuteOf(now - config.metricsRetentionMs));
    },
    // What is left goes to storage; the trimmer's lease is given up for another process.
    onStop: async () => {
      await counter.flush();
      await lease.release();
    },
  });
}
