/** A table made straight through the catalog, for tests below the operations: hash key `pk` (S), on demand. */
import type { Catalog, NewTable } from '../../src/engine/catalog.js';
import type { TableRecord } from '../../src/engine/table.js';

export const TEST_NAMESPACE = { account: '000000000000', region: 'us-east-1' };

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
