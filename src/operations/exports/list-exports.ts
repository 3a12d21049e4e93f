/**
 * ListExports: the namespace's exports, one table's or all, a page of
 * MaxResults (1 to 25, API reference) at a time, in ARN order (a table's
 * oldest first: the id begins with the request time). NextToken is the last
 * listed ARN.
 */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { exportSummary } from '../../features/exports/export-description.js';
import { exportRange, exportRecordKey, readExports } from '../../features/exports/export-store.js';

interface ListExportsRequest {
  readonly TableArn?: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

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
    const after = request.NextToken === undefined ? undefined : Uint8Array.from([...exportRecordKey(account, region, request.NextToken), 0]);
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
