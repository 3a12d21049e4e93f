/** Tables made straight through the catalog, for tests below the operations. */
import { after } from 'node:test';
import { Catalog, type NewTable } from '../../src/engine/catalog.js';
import type { TableRecord } from '../../src/engine/table.js';
import type { Storage } from '../../src/storage/storage.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import type { Backend } from './harness.js';
import { openTestStorage } from './test-storage.js';

export const TEST_NAMESPACE = { account: '000000000000', region: 'us-east-1' };

/** A table with hash key `pk` (S), on demand. */
export function createCatalogTable(catalog: Catalog, name: string, extra: Partial<NewTable> = {}): Promise<TableRecord> {
  return catalog.create(TEST_NAMESPACE, {
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
    LocalSecondaryIndexes: [],
    GlobalSecondaryIndexes: [],
    TableClass: 'STANDARD',
    DeletionProtectionEnabled: false,
    Tags: [],
    ...extra,
  });
}

/**
 * For a suite on one backend: each call opens a fresh store of `backend` with
 * a catalog over it; all of them are closed after the suite.
 */
export function freshCatalogs(backend: Backend): () => Promise<{ storage: Storage; catalog: Catalog }> {
  const opened: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of opened) await cleanup();
  });
  return async () => {
    const { storage, cleanup } = await openTestStorage(backend);
    const catalog = await Catalog.open(storage, DEFAULT_CONFIG);
    opened.push(async () => {
      await catalog.stop();
      await cleanup();
    });
    return { storage, catalog };
  };
}
