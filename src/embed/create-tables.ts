/**
 * Creates tables for a test, through the server's public API (CreateTable,
 * then DescribeTable until ACTIVE), so it works with any Dynalith the
 * endpoint names, in-process or not. A table that exists already is left
 * as it is, so a suite's setup may run twice.
 */
import { ApiError, DynamoApi } from '../protocol/json-api-client.js';
import type { RunningDynalith } from './start-dynalith.js';

/** CreateTable's input, as the SDKs take it. */
export type TableDefinition = Record<string, unknown> & { readonly TableName: string };

export async function createTables(server: Pick<RunningDynalith, 'endpoint' | 'region' | 'credentials'>, definitions: readonly TableDefinition[]): Promise<void> {
  const api = new DynamoApi({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
  for (const definition of definitions) {
    const input = definition.BillingMode === undefined && definition.ProvisionedThroughput === undefined ? { BillingMode: 'PAY_PER_REQUEST', ...definition } : definition;
    try {
      await api.call('CreateTable', input);
    } catch (error) {
      if (!(error instanceof ApiError && error.type === 'ResourceInUseException')) throw error;
    }
  }
  for (const { TableName } of definitions) {
    for (;;) {
      const { Table } = await api.call<{ Table: { TableStatus: string } }>('DescribeTable', { TableName });
      if (Table.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
