/** A pay-per-request table keyed on a string `pk`, loaded with `count` items in BatchWriteItems of 25, eight in flight. */
import type { Client } from './client.js';

export async function createKeyTable(client: Client, table: string, count: number, item: (i: number) => object, extra: object = {}): Promise<void> {
  await client.call('CreateTable', {
    TableName: table,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  });
  let next = 0;
  const loader = async () => {
    while (next < count) {
      const from = next;
      next += 25;
      const puts = Array.from({ length: Math.min(25, count - from) }, (_, j) => ({ PutRequest: { Item: item(from + j) } }));
      const answer = await client.call('BatchWriteItem', { RequestItems: { [table]: puts } });
      if (Object.keys(answer.UnprocessedItems ?? {}).length > 0) throw new Error('BatchWriteItem left items unprocessed');
    }
  };
  await Promise.all(Array.from({ length: 8 }, loader));
}
