/** ListStreams: the namespace's streams (or one table's), in pages. */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { listStreamArns } from '../../features/streams/stream-reader.js';
import { checkStreamArn } from '../../features/streams/stream-arn.js';
import { checkLimit, streamArnMember } from './stream-shapes.js';

interface ListStreamsRequest {
  readonly TableName?: string;
  readonly Limit?: number;
  readonly ExclusiveStartStreamArn?: string;
}

export const listStreams = defineOperation<ListStreamsRequest>({
  name: 'ListStreams',
  shape: struct('ListStreamsInput', {
    TableName: str({ minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
    Limit: int({ min: 1 }),
    ExclusiveStartStreamArn: streamArnMember(false),
  }),
  async execute(request, { namespace, services }) {
    const limit = checkLimit(request.Limit, 100, 'Limit cannot be greater than the maximum allowed size');
    const start = request.ExclusiveStartStreamArn;
    // A well-formed start ARN is a position in ARN order, whether or not its
    // stream exists (DynamoDB Local 3.3.1 alike); a malformed one is refused.
    if (start !== undefined) checkStreamArn(start);
    const arns = (await listStreamArns(services.storage, namespace, request.TableName)).filter((arn) => start === undefined || arn > start);
    const page = arns.slice(0, limit).map((arn) => {
      const [table, label] = arn.slice(arn.indexOf(':table/') + ':table/'.length).split('/stream/') as [string, string];
      return { StreamArn: arn, TableName: table, StreamLabel: label };
    });
    return arns.length > limit ? { Streams: page, LastEvaluatedStreamArn: page[page.length - 1]!.StreamArn } : { Streams: page };
  },
});
