/** A pay-per-request table keyed on a string `pk`, loaded with `count` items in BatchWriteItems of 25. */
import type { Client } from './client.js';

export async function createKeyTable(client: Client, table: string, count: number, item: (i: number) => object): Promise<void> {
  await client.call('CreateTable', {
    TableName: table,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let i = 0; i < count; i += 25) {
    const puts = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({ PutRequest: { Item: item(i + j) } }));
    await client.call('BatchWriteItem', { RequestItems: { [table]: puts } });
  }
}
