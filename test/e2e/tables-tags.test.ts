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
import { rawRequest } from '../helpers/raw.js';

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
  });

  test('tag keys and values: lengths, characters, reserved prefix, repeats', async () => {
    const arn = await createTagged(target());
    const tagRejects = (Tags: { Key?: string; Value?: string }[], message: string) =>
      assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: Tags as { Key: string; Value: string }[] })), {
        name: 'ValidationException',
        message,
      });
    await tagRejects([{ Key: 'k'.repeat(129), Value: 'b' }], `The Tag Key provided is invalid, Key: ${'k'.repeat(129)}`);
    await tagRejects([{ Key: '', Value: 'b' }], 'The Tag Key provided is invalid, Key: ');
    await tagRejects([{ Value: 'b' }], 'The Tag Key provided is invalid, Key: null');
    await tagRejects([{ Key: 'bad#char', Value: 'b' }], 'The Tag Key provided is invalid, Key: bad#char');
    await tagRejects([{ Key: 'k', Value: 'v'.repeat(257) }], `The Tag Value provided is invalid, Value: ${'v'.repeat(257)}`);
    await tagRejects([{ Key: 'k' }], 'The Tag Value provided is invalid, Value: null');
    for (const value of ['🔑', '100%', 'a,b', 'a&b', 'a*b', 'a;b', '<a>', '~a']) {
      await tagRejects([{ Key: 'k', Value: value }], `The Tag Value provided is invalid, Value: ${value}`);
    }
    await tagRejects([{ Key: 'ok', Value: 'b' }, { Key: 'aws:zzz', Value: 'b' }], 'Tag Key cannot be prefixed with aws:, Key: aws:zzz');
    await tagRejects([{ Key: 'AWS:foo', Value: 'b' }], 'Tag Key cannot be prefixed with aws:, Key: AWS:foo');
    await tagRejects([{ Key: 'dup', Value: 'a' }, { Key: 'dup', Value: 'b' }], 'Duplicate Tag Keys provided as input: Duplicate Tag Key found dup');
    // Nothing of a refused request was applied.
    assert.deepEqual((await target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: 'team', Value: 'core' }]);

    const accepted = [
      { Key: 'myaws:foo', Value: '' },
      { Key: 'sp ace', Value: 'a b+c-d=e.f_g:h/i@j' },
      { Key: 'ключ', Value: 'café 表' },
      { Key: 'k'.repeat(128), Value: 'v'.repeat(256) },
    ];
    await target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: accepted }));
    assert.deepEqual((await target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: 'team', Value: 'core' }, ...accepted]);

    const untagRejects = (TagKeys: string[], message: string) =>
      assert.rejects(target().ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys })), { name: 'ValidationException', message });
    await untagRejects(['aws:foo'], 'Tag Key cannot be prefixed with aws:, Key: aws:foo');
    await untagRejects(['k'.repeat(129)], `The Tag Key provided is invalid, Key: ${'k'.repeat(129)}`);
    await untagRejects([''], 'The Tag Key provided is invalid, Key: ');
    await untagRejects(
      Array.from({ length: 51 }, (_, i) => `k${i}`),
      'Number of Tags exceed the current limit for the provided ResourceArn',
    );
  });

  test('a table carries at most 50 tags, counting those it has', async () => {
    const arn = await createTagged(target());
    const tags = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ Key: `k${from + i}`, Value: 'v' }));
    const limit = { name: 'ValidationException', message: 'Number of Tags exceed the current limit for the provided ResourceArn' };
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags(0, 50) })), limit);
    await target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags(0, 49) }));
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'x' }, ...tags(49, 1)] })), limit);
    // Replacing values keeps the count.
    await target().ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'x' }, ...tags(0, 49)] }));
    const { Tags } = await target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    assert.equal(Tags?.length, 50);
  });

  test('TagResource and UntagResource answer an empty body', async () => {
    const arn = await createTagged(target());
    for (const [operation, body] of [
      ['TagResource', { ResourceArn: arn, Tags: [{ Key: 'a', Value: 'b' }] }],
      ['UntagResource', { ResourceArn: arn, TagKeys: ['a'] }],
    ] as const) {
      const response = await rawRequest(target().endpoint, { target: `DynamoDB_20120810.${operation}`, body: JSON.stringify(body) });
      assert.equal(response.status, 200);
      assert.equal(response.body.length, 0);
    }
  });

  test('unknown tables and other accounts', async () => {
    const missing = 'arn:aws:dynamodb:us-east-1:000000000000:table/nonexistent_table_xyz';
    await assert.rejects(target().ddb.send(new ListTagsOfResourceCommand({ ResourceArn: missing })), {
      name: 'AccessDeniedException',
    });
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: missing, Tags: [{ Key: 'k', Value: 'v' }] })), {
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: ResourceArn: ${missing} not found`,
    });
    await assert.rejects(target().ddb.send(new UntagResourceCommand({ ResourceArn: missing, TagKeys: ['k'] })), {
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: ResourceArn: ${missing} not found`,
    });
    // The request's own checks come before the table is looked up.
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: missing, Tags: [] })), {
      name: 'ValidationException',
      message: 'Atleast one Tag needs to be provided as Input.',
    });
    await assert.rejects(target().ddb.send(new TagResourceCommand({ ResourceArn: missing, Tags: [{ Key: 'aws:k', Value: 'v' }] })), {
      name: 'ValidationException',
      message: 'Tag Key cannot be prefixed with aws:, Key: aws:k',
    });
    await assert.rejects(target().ddb.send(new UntagResourceCommand({ ResourceArn: missing, TagKeys: [] })), {
      name: 'ValidationException',
      message: 'Atleast one Tag Key needs to be provided as Input.',
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
