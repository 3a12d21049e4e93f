/** ListStreams: the namespace's streams (or one table's), in pages. */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { listStreamArns } from '../../features/streams/stream-reader.js';
import { streamArnMember } from './stream-shapes.js';

interface ListStreamsRequest {
  readonly TableName?: string;
  readonly Limit?: number;
  readonly ExclusiveStartStreamArn?: string;
}

export const listStreams = defineOperation<ListStreamsRequest>({
  name: 'ListStreams',
  shape: struct('ListStreamsInput', {
    TableName: str({ minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
    Limit: int({ min: 1, max: 100 }),
    ExclusiveStartStreamArn: streamArnMember(false),
  }),
  async execute(request, { namespace, services }) {
    const start = request.ExclusiveStartStreamArn;
    const arns = (await listStreamArns(services.storage, namespace, request.TableName)).filter((arn) => start === undefined || arn > start);
    const limit = request.Limit ?? 100;
    const page = arns.slice(0, limit).map((arn) => {
      const [table, label] = arn.slice(arn.indexOf(':table/') + ':table/'.length).split('/stream/') as [string, string];
      return { StreamArn: arn, TableName: table, StreamLabel: label };
    });
    return arns.length > limit ? { Streams: page, LastEvaluatedStreamArn: page[page.length - 1]!.StreamArn } : { Streams: page };
  },
});
