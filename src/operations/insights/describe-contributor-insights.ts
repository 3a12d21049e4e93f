/**
 * DescribeContributorInsights: the status of a table's or global index's
 * Contributor Insights. As DynamoDB answers (ack-api-quirks DynamoDB lab,
 * DDB-TABLE-089/097, recorded live 2026): one never switched on reads
 * DISABLED with no other member; after a switch on, the mode and the time of
 * the last change stay; the rules are listed while they exist. A DELETING
 * table is still described.
 */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { tableNameMember } from '../common-shapes.js';
import { describedTable } from '../tables/table-access.js';
import { rulesOf, settingOf } from '../../features/insights/insight-rules.js';
import { insightsSummary, optionalIndexNameMember, resourceIn } from './insights-resource.js';

interface DescribeContributorInsightsRequest {
  readonly TableName: string;
  readonly IndexName?: string;
}

export const describeContributorInsights = defineOperation<DescribeContributorInsightsRequest>({
  name: 'DescribeContributorInsights',
  shape: struct('DescribeContributorInsightsInput', { TableName: tableNameMember, IndexName: optionalIndexNameMember }),
  execute(request, context) {
    const resource = resourceIn(describedTable(context, request.TableName), request.IndexName);
    const setting = settingOf(resource);
    const rules = rulesOf(resource).map((rule) => rule.name);
    return {
      ...insightsSummary(resource),
      ...(rules.length === 0 ? {} : { ContributorInsightsRuleList: rules }),
      ...(setting === undefined ? {} : { LastUpdateDateTime: setting.updatedAt / 1000 }),
    };
  },
});
