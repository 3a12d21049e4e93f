/** UntagResource: removes tags from a table by key; absent keys are ignored. */
import { RawJson, defineOperation } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { resourceArnMember } from './table-shapes.js';
import { parseTableArn, tableOfArn } from './resource-arn.js';
import { checkTagKeys } from './tag-rules.js';

interface UntagResourceRequest {
  readonly ResourceArn: string;
  readonly TagKeys: readonly string[];
}

export const untagResource = defineOperation<UntagResourceRequest>({
  name: 'UntagResource',
  // Key lengths are the tagging rules' to check, with their own message (tag-rules.ts).
  shape: struct('UntagResourceInput', { ResourceArn: resourceArnMember, TagKeys: list(str(), { required: true }) }),
  async execute(request, context) {
    const arn = parseTableArn(request.ResourceArn);
    if (request.TagKeys.length === 0) throw validation('Atleast one Tag Key needs to be provided as Input.');
    checkTagKeys(request.TagKeys);
    const table = tableOfArn(arn, 'UntagResource', context);
    const removed = new Set(request.TagKeys);
    await context.services.catalog.update(
      table,
      (current) => ({ ...current, Tags: current.Tags.filter((tag) => !removed.has(tag.Key)) }),
      false,
    );
    return new RawJson('');
  },
});
