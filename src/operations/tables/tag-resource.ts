/** TagResource: adds tags to a table, replacing the values of existing keys. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { resourceArnMember, tagsMember, type TagInput } from './table-shapes.js';
import { tableByArn } from './resource-arn.js';
import { checkTagKeys, mergeTags } from './tag-rules.js';

interface TagResourceRequest {
  readonly ResourceArn: string;
  readonly Tags: readonly TagInput[];
}

export const tagResource = defineOperation<TagResourceRequest>({
  name: 'TagResource',
  shape: struct('TagResourceInput', { ResourceArn: resourceArnMember, Tags: tagsMember(true) }),
  async execute(request, context) {
    const table = tableByArn(request.ResourceArn, 'TagResource', context);
    if (request.Tags.length === 0) throw validation('Atleast one Tag needs to be provided as Input.');
    checkTagKeys(request.Tags);
    const tags = mergeTags(table.Tags, request.Tags);
    await context.services.catalog.update(table, (current) => ({ ...current, Tags: tags }), false);
    return {};
  },
});
