/**
 * ListExports: the namespace's exports, one table's or all, a page of
 * MaxResults (1 to 25, API reference) at a time, in ARN order (a table's
 * oldest first: the id begins with the request time). NextToken is the last
 * listed ARN.
 */
import { defineOperation } from '../operation.js';
import { validation } from '../../protocol/errors.js';
import { int, str, struct } from '../../protocol/shape.js';
import { exportSummary } from '../../features/exports/export-description.js';
import { exportRange, exportRecordKey, readExports } from '../../features/exports/export-store.js';

interface ListExportsRequest {
  readonly TableArn?: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

/** ExportArn's longest (API reference). */
const MAX_EXPORT_ARN = 1024;
const MAX_RESULTS = 25;

export const listExports = defineOperation<ListExportsRequest>({
  name: 'ListExports',
  shape: struct('ListExportsInput', {
    TableArn: str({ minLength: 1, maxLength: 1024 }),
    MaxResults: int({ min: 1, max: MAX_RESULTS }),
    NextToken: str(),
  }),
  async execute(request, { namespace, services }) {
    const { account, region } = namespace;
    const range = exportRange(account, region, request.TableArn);
    const token = request.NextToken;
    // A token is an export ARN this call handed out: anything else (another namespace's, or bytes too long to be a key) is refused, as ListImports refuses its own.
    if (token !== undefined && !(token.startsWith(`arn:aws:dynamodb:${region}:${account}:table/`) && token.length <= MAX_EXPORT_ARN)) throw validation('Invalid NextToken');
    const after = token === undefined ? undefined : Uint8Array.from([...exportRecordKey(account, region, token), 0]);
    const start = after !== undefined && Buffer.compare(after, range.start) > 0 ? after : range.start;
    const limit = request.MaxResults ?? MAX_RESULTS;
    const found = await services.storage.read((tx) => readExports(tx, { start, end: range.end, limit: limit + 1 }));
    const page = found.slice(0, limit);
    return {
      ExportSummaries: page.map(exportSummary),
      ...(found.length > limit ? { NextToken: page[page.length - 1]!.ExportArn } : {}),
    };
  },
});
