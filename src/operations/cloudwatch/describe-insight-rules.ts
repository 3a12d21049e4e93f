/**
 * DescribeInsightRules: the Contributor Insights rules of the account and
 * region, which here are those DynamoDB creates for tables and global indexes
 * with insights on, in name order. No live definition of DynamoDB's rules
 * was found: the Definition is ours, in CloudWatch's rule syntax, naming the
 * key attributes and the value the Developer Guide says each rule sums
 * (ConsumedThroughputUnits, ThrottleCount).
 */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { keyLabels, namespaceRules, type InsightRule } from '../../features/insights/insight-rules.js';

interface DescribeInsightRulesRequest {
  readonly NextToken?: string;
  readonly MaxResults?: number;
}

const DEFAULT_PAGE = 500;

function definition(rule: InsightRule): string {
  return JSON.stringify({
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogFormat: 'JSON',
    Contribution: {
      Keys: keyLabels(rule).map((name) => `$.${name}`),
      ValueOf: rule.kind.endsWith('C') ? 'ConsumedThroughputUnits' : 'ThrottleCount',
      Filters: [],
    },
    AggregateOn: 'Sum',
  });
}

export const describeInsightRules = defineOperation<DescribeInsightRulesRequest>({
  name: 'DescribeInsightRules',
  shape: struct('DescribeInsightRulesInput', { NextToken: str(), MaxResults: int({ min: 1, max: 500 }) }),
  execute(request, { namespace, services }) {
    // The token is the last name a page held.
    const after = request.NextToken === undefined ? undefined : Buffer.from(request.NextToken, 'base64').toString('utf8');
    const rules = namespaceRules(services.catalog, namespace)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .filter((rule) => after === undefined || rule.name > after);
    const size = request.MaxResults ?? DEFAULT_PAGE;
    const page = rules.slice(0, size);
    return {
      InsightRules: page.map((rule) => ({ Name: rule.name, State: 'ENABLED', Schema: 'CloudWatchLogRule/1', Definition: definition(rule), ManagedRule: false })),
      ...(rules.length > size ? { NextToken: Buffer.from(page[page.length - 1]!.name).toString('base64') } : {}),
    };
  },
});
