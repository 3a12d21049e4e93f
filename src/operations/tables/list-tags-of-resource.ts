/** ListTagsOfResource: a table's tags; at most 50 exist, so one page always holds them all. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { resourceArnMember } from './table-shapes.js';
import { parseTableArn, tableOfArn } from './resource-arn.js';

interface ListTagsOfResourceRequest {
  readonly ResourceArn: string;
  readonly NextToken?: string;
}

export const listTagsOfResource = defineOperation<ListTagsOfResourceRequest>({
  name: 'ListTagsOfResource',
  shape: struct('ListTagsOfResourceInput', { ResourceArn: resourceArnMember, NextToken: str() }),
  execute(request, context) {
    return { Tags: tableOfArn(parseTableArn(request.ResourceArn), 'ListTagsOfResource', context).Tags };
  },
});
