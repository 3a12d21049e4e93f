/**
 * End-to-end test harness. Each suite runs against a real Dynalith server over
 * HTTP through the AWS SDK: once per storage backend (memory, LMDB, and
 * PostgreSQL when `npm test` started one: DYNALITH_TEST_POSTGRES), or only
 * against DYNALITH_TEST_ENDPOINT when it is set (e.g. DynamoDB Local, to check
 * the expectations themselves).
 */
import { after, before, describe } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/dynalith.js';
import { createLogger } from '../../src/logger.js';
import { freshPostgresUrl, postgresUrl } from './postgres.js';

export type Backend = 'memory' | 'lmdb' | 'postgres';

/** The storage backends this run tests: PostgreSQL only when a server was started for the tests. */
export const storageBackends: readonly Backend[] = postgresUrl === undefined ? ['memory', 'lmdb'] : ['memory', 'lmdb', 'postgres'];

export interface Target {
  /** 'memory', 'lmdb', 'postgres' or 'external'. */
  readonly backend: string;
  readonly endpoint: string;
  readonly ddb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** A client for another region of the same server. */
  client(options?: Partial<DynamoDBClientConfig>): DynamoDBClient;
}

export const externalEndpoint = process.env.DYNALITH_TEST_ENDPOINT;

export function clientFor(endpoint: string, options: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
    ...options,
  });
}

let counter = 0;
/** A table name no other test uses. */
export function uniqueName(base: string): string {
  return `${base}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

async function startBackend(backend: Backend, config: Partial<Config> = {}): Promise<{ server: RunningServer; cleanup(): void }> {
  const dataDir = backend === 'lmdb' ? mkdtempSync(join(tmpdir(), 'dynalith-test-')) : '';
  const storage = backend === 'postgres' ? { storageUrl: await freshPostgresUrl() } : {};
  const server = await startServer(
    { ...DEFAULT_CONFIG, port: 0, inMemory: backend === 'memory', dataDir: dataDir || DEFAULT_CONFIG.dataDir, logLevel: 'silent', ...storage, ...config },
    createLogger('silent'),
  );
  return { server, cleanup: () => dataDir && rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * Declares `body` once per target. `body` receives a getter: the target is
 * only known once the suite's `before` hook has started the server.
 * `memoryOnly` is for suites whose subject storage cannot change (validation);
 * `config` starts Dynalith with settings of its own (such a suite does not
 * run against an external endpoint, whose settings are its own).
 */
export function describeEachBackend(
  title: string,
  body: (target: () => Target) => void,
  options: { readonly memoryOnly?: boolean; readonly config?: Partial<Config> } = {},
): void {
  if (externalEndpoint && options.config !== undefined) return;
  const backends = externalEndpoint ? (['external'] as const) : options.memoryOnly ? (['memory'] as const) : storageBackends;
  for (const backend of backends) {
    describe(`${title} [${backend}]`, () => {
      let target: Target | undefined;
      let stop: (() => Promise<void>) | undefined;
      before(async () => {
        let endpoint: string;
        if (backend === 'external') {
          endpoint = externalEndpoint!;
        } else {
          const started = await startBackend(backend, options.config);
          endpoint = started.server.endpoint;
          stop = async () => {
            await started.server.close();
            started.cleanup();
          };
        }
        const ddb = clientFor(endpoint);
        target = {
          backend,
          endpoint,
          ddb,
          doc: DynamoDBDocumentClient.from(ddb),
          client: (options) => clientFor(endpoint, options),
        };
      });
      after(async () => {
        target?.ddb.destroy();
        await stop?.();
      });
      body(() => {
        if (target === undefined) throw new Error('target used before the suite started');
        return target;
      });
    });
  }
}
