/**
 * ListContributorInsights: the tables and global indexes of the account and
 * region (or of one table) whose Contributor Insights are not DISABLED, a
 * table before its indexes. As DynamoDB answers (ack-api-quirks DynamoDB lab,
 * DDB-TABLE-094/095/340/343, recorded live 2026): DISABLING entries are
 * listed, DISABLED ones are not, and an unknown table is not found.
 */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { tableNameMember } from '../common-shapes.js';
import { describedTable } from '../tables/table-access.js';
import { insightsResources, insightsStatus, settingOf, type InsightsResource } from '../../features/insights/insight-rules.js';
import { insightsSummary } from './insights-resource.js';

interface ListContributorInsightsRequest {
  readonly TableName?: string;
  readonly NextToken?: string;
  readonly MaxResults?: number;
}

const DEFAULT_PAGE = 100;

/** Where an entry sorts: by table name, then the table itself ('') before its indexes by name. */
function position({ table, index }: InsightsResource): readonly [string, string] {
  return [table.TableName, index?.IndexName ?? ''];
}

function after(a: readonly [string, string], b: readonly [string, string]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

/** The token names the last entry a page held; it is opaque to clients. */
function encodeToken(resource: InsightsResource): string {
  return Buffer.from(JSON.stringify(position(resource))).toString('base64');
}

function decodeToken(token: string): readonly [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) return decoded as [string, string];
  } catch {
    // Not a token this server made: refused below.
  }
  // No recorded answer to a foreign token: the wording of DynamoDB's other NextTokens (ExecuteStatement).
  throw validation('Invalid NextToken');
}

export const listContributorInsights = defineOperation<ListContributorInsightsRequest>({
  name: 'ListContributorInsights',
  shape: struct('ListContributorInsightsInput', {
    TableName: str({ ...tableNameMember, required: false }),
    NextToken: str(),
    MaxResults: int({ max: 100 }),
  }),
  execute(request, context) {
    const start = request.NextToken === undefined ? undefined : decodeToken(request.NextToken);
    let resources: InsightsResource[];
    if (request.TableName === undefined) {
      resources = insightsResources(context.services.catalog, context.namespace);
    } else {
      const table = describedTable(context, request.TableName);
      resources = [{ table }, ...table.GlobalSecondaryIndexes.map((index) => ({ table, index }))];
    }
    const now = Date.now();
    const listed = resources
      .filter((resource) => insightsStatus(settingOf(resource), now) !== 'DISABLED')
      .sort((a, b) => (after(position(a), position(b)) ? 1 : -1))
      .filter((resource) => start === undefined || after(position(resource), start));
    // The model sets no minimum; a page of at least one entry keeps a client's loop moving.
    const size = Math.max(1, request.MaxResults ?? DEFAULT_PAGE);
    const page = listed.slice(0, size);
    return {
      ContributorInsightsSummaries: page.map((resource) => insightsSummary(resource, now)),
      ...(listed.length > size ? { NextToken: encodeToken(page[page.length - 1]!) } : {}),
    };
  },
});
