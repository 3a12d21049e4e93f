/** TagResource: adds tags to a table, replacing the values of existing keys. */
import { RawJson, defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { resourceArnMember, tagsMember, type TagInput } from './table-shapes.js';
import { parseTableArn, tableOfArn } from './resource-arn.js';
import { checkTags, mergeTags } from './tag-rules.js';

interface TagResourceRequest {
  readonly ResourceArn: string;
  readonly Tags: readonly TagInput[];
}

export const tagResource = defineOperation<TagResourceRequest>({
  name: 'TagResource',
  shape: struct('TagResourceInput', { ResourceArn: resourceArnMember, Tags: tagsMember(true) }),
  async execute(request, context) {
    const arn = parseTableArn(request.ResourceArn);
    // An empty list is refused even for a table that does not exist (dynalite's tests, recorded against DynamoDB).
    if (request.Tags.length === 0) throw validation('Atleast one Tag needs to be provided as Input.');
    const tags = checkTags(request.Tags);
    const table = tableOfArn(arn, 'TagResource', context);
    await context.services.catalog.update(table, (current) => ({ ...current, Tags: mergeTags(current.Tags, tags) }), false);
    // DynamoDB answers with an empty body (dynalite's tests, recorded against DynamoDB).
    return new RawJson('');
  },
});
