/**
 * A whole Dynalith server: storage, services and the HTTP listener, with an
 * orderly shutdown: stop accepting, answer the requests in flight (each with
 * `Connection: close`), cut off what is left after the shutdown timeout, then
 * stop the background work and close the store.
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createServices } from '../engine/services.js';
import { createMemoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/storage.js';
import { EncryptingStorage } from '../security/encryption/encrypting-storage.js';
import { MasterKeys } from '../security/encryption/master-keys.js';
import { createHttpServer, stopServing } from './http-server.js';
import { createAuthentication } from './authentication.js';
import { startTtlSweeper } from '../features/ttl/sweeper.js';
import { startBackupJobs } from '../features/backups/backup-jobs.js';
import { startExportJobs } from '../features/exports/export-jobs.js';
import { startReplication } from '../features/replication/replicator.js';
import { startImportJobs } from '../features/imports/import-jobs.js';
import { expiredItemRemover } from '../features/ttl/remove-expired.js';
import { trimStreams } from '../features/streams/retention.js';
import { trimChangeLogs } from '../engine/change-log.js';
import { CHANGE_LOG_READERS } from '../features/item-change-hooks.js';
import { Lease } from '../engine/leases.js';
import { startMetricsJob } from '../features/metrics/metrics-job.js';
import { startAlarmEvaluator } from '../features/alarms/alarm-evaluator.js';
import { startAutoScaler } from '../features/autoscaling/scaler.js';
import { startInsightsJob } from '../features/insights/insights-job.js';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8000 (https:// with --tls-cert) */
  readonly endpoint: string;
  readonly port: number;
  /** Shuts down as described above; `cutOff` ends the open connections now instead of after the timeout. */
  close(options?: { readonly cutOff?: boolean }): Promise<void>;
}

/** `shared`: a worker of `--workers`, whose primary holds the data directory's lock. */
export async function openStorage(config: Config, logger?: Logger, shared = false): Promise<Storage> {
  const keys = config.kmsKeyFile === undefined ? undefined : MasterKeys.fromFile(config.kmsKeyFile, (error) => logger?.warn({ err: error }, 'kms key file: not re-read'));
  return new EncryptingStorage(await openBackend(config, logger, shared), keys);
}

async function openBackend(config: Config, logger?: Logger, shared = false): Promise<Storage> {
  if (config.inMemory) return createMemoryStorage();
  if (config.storageUrl !== undefined) {
    const { openPostgresStorage } = await import('../storage/postgres.js');
    return openPostgresStorage({ url: config.storageUrl, onWarning: (message, error) => logger?.warn({ err: error }, message) });
  }
  const path = resolve(config.dataDir);
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new Error(`cannot use data directory ${path}: ${(error as Error).message}`);
  }
  // Loaded only for a store on disk: lmdb's modules are a large share of start-up.
  const { openLmdbStorage } = await import('../storage/lmdb.js');
  return openLmdbStorage({ path, exclusive: !shared });
}

/** --tls-cert and --tls-key's files, checked to be a certificate and its key before anything else starts. */
function readTls(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (config.tls === undefined) return undefined;
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`cannot read ${flag} ${file}: ${(error as Error).message}`);
    }
  };
  const tls = { cert: read('--tls-cert', config.tls.certFile), key: read('--tls-key', config.tls.keyFile) };
  try {
    createSecureContext(tls);
  } catch (error) {
    throw new Error(`--tls-cert and --tls-key are not a PEM certificate and its private key: ${(error as Error).message}`);
  }
  return tls;
}

export async function startServer(config: Config, logger: Logger = createLogger(config.logLevel), shared = false): Promise<RunningServer> {
  // Before anything is opened: a credentials file that cannot be used refuses the start.
  const authenticate = createAuthentication(config, logger);
  const tls = readTls(config);
  const storage = await openStorage(config, logger, shared);
  let services;
  try {
    services = await createServices(config, logger, storage);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { items, catalog, members, recorder, metrics } = services;
  if (storage instanceof EncryptingStorage) storage.followKeyFile((error) => logger.warn({ err: error }, 'encryption: re-wrapping data keys failed'));
  // Tables other processes or nodes change show up within this even where no request asks.
  catalog.watch(1000);
  await members?.start();
  recorder?.start(config.metricsFlushMs, (error) => logger.warn({ err: error }, 'metrics flush failed'));
  const metricsJob = metrics.enabled ? startMetricsJob(services) : undefined;
  const sweeper = startTtlSweeper(
    storage,
    catalog,
    expiredItemRemover(
      (table, key, apply, origin) => items.write(table, key, apply, origin),
      (table) => metrics.expired(table, 1),
    ),
    config.ttlIntervalMs,
    async () => {
      // Streams move their horizons first; the change logs then drop what no reader needs.
      await trimStreams(storage, config.streamRetentionMs);
      await trimChangeLogs(storage, CHANGE_LOG_READERS);
    },
    // One sweeper among all the processes and nodes on this store; another takes over within the lease's length if it dies.
    new Lease(storage, 'ttl-sweeper', Math.max(2000, 3 * config.ttlIntervalMs)),
  );
  const insightsJob =
    services.insights && startInsightsJob(storage, services.insights, config, (error) => logger.warn({ err: error }, 'contributor insights: flush failed'));
  // The background work, stopped in this order; the metrics recorder last, so what the others recorded is flushed.
  const jobs: { stop(): Promise<void> }[] = [sweeper, startBackupJobs(services), startExportJobs(services), startReplication(services), startImportJobs(services), startAlarmEvaluator(services), startAutoScaler(services), ...(metricsJob ? [metricsJob] : []), ...(insightsJob ? [insightsJob] : [])];
  const stopJobs = async () => {
    for (const job of jobs) await job.stop();
    await recorder?.stop();
    await members?.stop();
    // After the last request was answered: every call is in the log before the process ends.
    await services.audit?.close();
  };
  const listener = createHttpServer({ services, logger, authenticate, ...(tls === undefined ? {} : { tls }) });
  const { server } = listener;
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    await stopJobs();
    await storage.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopping: ReturnType<typeof stopServing> | undefined;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    port,
    close(options) {
      stopping ??= stopServing(listener, config.shutdownTimeoutMs);
      const { closed } = stopping;
      closing ??= (async () => {
        await closed;
        await stopJobs();
        await catalog.stop();
        await storage.close();
      })();
      if (options?.cutOff === true) stopping.cutOff();
      return closing;
    },
  };
}
