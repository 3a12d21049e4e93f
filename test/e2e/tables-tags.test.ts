import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTableCommand,
  DescribeEndpointsCommand,
  DescribeLimitsCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-dynamodb';
import { describeEachBackend, uniqueName, type Target } from '../helpers/harness.js';

async function createTagged(target: Target): Promise<string> {
  const { TableDescription } = await target.ddb.send(
    new CreateTableCommand({
      TableName: uniqueName('tags'),
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Tags: [{ Key: 'team', Value: 'core' }],
    }),
  );
  return TableDescription!.TableArn!;
}

describeEachBackend('tags, limits and endpoints', (target) => {
  test('tags round trip: create, add, overwrite, remove', async () => {
    const arn = await createTagged(target());
    const list = async () => (await target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags;
    assert.deepEqual(await list(), [{ Key: 'team', Value: 'core' }]);
    await target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'edge' }] }));
    assert.deepEqual(await list(), [{ Key: 'team', Value: 'edge' }, { Key: 'env', Value: 'dev' }]);
    await target().ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team', 'absent'] }));
    assert.deepEqual(await list(), [{ Key: 'env', Value: 'dev' }]);
  });

  test('tag validation', async () => {
    const arn = await createTagged(target());
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: 'not-a-valid-arn', Tags: [{ Key: 'a', Value: 'b' }] })), {
      name: 'ValidationException',
      message: 'Invalid TableArn: Invalid ResourceArn provided as input not-a-valid-arn',
    });
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [] })), {
      name: 'ValidationException',
      message: 'Atleast one Tag needs to be provided as Input.',
    });
    await assert.rejects(target().ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [] })), {
      name: 'ValidationException',
      message: 'Atleast one Tag Key needs to be provided as Input.',
    });
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'aws:x', Value: 'b' }] })), {
      name: 'ValidationException',
    });
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k'.repeat(129), Value: 'b' }] })), {
      name: 'ValidationException',
      message: `1 validation error detected: Value '${'k'.repeat(129)}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    });
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: many })), { name: 'LimitExceededException' });
  });

  test('unknown tables and other accounts', async () => {
    const missing = 'arn:aws:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz';
    await assert.rejects(target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: missing })), {
      name: 'AccessDeniedException',
    });
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: missing, Tags: [{ Key: 'k', Value: 'v' }] })), {
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: ResourcArn: ${missing} not found`,
    });
    await assert.rejects(
      target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/other' })),
      { name: 'AccessDeniedException' },
    );
  });

  test('DescribeLimits and DescribeEndpoints', async () => {
    const limits = await target().ddb.send(new DescribeLimitsCommand({}));
    assert.equal(limits.AccountMaxReadCapacityUnits, 80000);
    assert.equal(limits.AccountMaxWriteCapacityUnits, 80000);
    assert.equal(limits.TableMaxReadCapacityUnits, 40000);
    assert.equal(limits.TableMaxWriteCapacityUnits, 40000);
    const eu = target().client({ region: 'eu-west-1' });
    try {
      const { Endpoints } = await eu.send(new DescribeEndpointsCommand({}));
      assert.deepEqual(Endpoints, [{ Address: 'dynamodb.eu-west-1.amazonaws.com', CachePeriodInMinutes: 1440 }]);
    } finally {
      eu.destroy();
    }
  });
});
