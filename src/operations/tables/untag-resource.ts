/** UntagResource: removes tags from a table by key; absent keys are ignored. */
import { defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { resourceArnMember } from './table-shapes.js';
import { tableByArn } from './resource-arn.js';

interface UntagResourceRequest {
  readonly ResourceArn: string;
  readonly TagKeys: readonly string[];
}

export const untagResource = defineOperation<UntagResourceRequest>({
  name: 'UntagResource',
  shape: struct('UntagResourceInput', {
    ResourceArn: resourceArnMember,
    TagKeys: list(str({ minLength: 1, maxLength: 128 }), { required: true }),
  }),
  async execute(request, context) {
    const table = tableByArn(request.ResourceArn, 'UntagResource', context);
    if (request.TagKeys.length === 0) throw validation('Atleast one Tag Key needs to be provided as Input.');
    const removed = new Set(request.TagKeys);
    await context.services.catalog.update(
      table,
      (current) => ({ ...current, Tags: current.Tags.filter((tag) => !removed.has(tag.Key)) }),
      false,
    );
    return {};
  },
});
