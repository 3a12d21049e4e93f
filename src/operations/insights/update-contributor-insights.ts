/**
 * UpdateContributorInsights: switches Contributor Insights on or off for a
 * table or a global index, or changes its mode. As DynamoDB answers (ack-api-quirks
 * DynamoDB lab, DDB-TABLE-090/091/092/116/341, recorded live 2026): a change
 * answers ENABLING or DISABLING and settles after the configured update time;
 * ENABLE in the mode it has, or DISABLE of what is off, changes nothing and
 * answers the status as it is; ENABLE without a mode means
 * ACCESSED_AND_THROTTLED_KEYS; a mode change keeps the rules' creation time,
 * a switch on after a switch off takes a new one; a table still CREATING, or
 * an index not ACTIVE, is refused.
 */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import type { ContributorInsightsMode, ContributorInsightsSetting, IndexRecord, TableRecord } from '../../engine/table.js';
import { tableNameMember } from '../common-shapes.js';
import { describedTable } from '../tables/table-access.js';
import { settingOf } from '../../features/insights/insight-rules.js';
import { insightsModeMember, insightsSummary, optionalIndexNameMember, resourceIn } from './insights-resource.js';

interface UpdateContributorInsightsRequest {
  readonly TableName: string;
  readonly IndexName?: string;
  readonly ContributorInsightsAction: 'ENABLE' | 'DISABLE';
  readonly ContributorInsightsMode?: ContributorInsightsMode;
}

const NOT_VALID = 'Table or Index is not in a valid state to update Key Access Insights: ';

/** The setting after the request, or undefined when it changes nothing. */
function changedSetting(
  current: ContributorInsightsSetting | undefined,
  request: UpdateContributorInsightsRequest,
  now: number,
  transitionMs: number,
): ContributorInsightsSetting | undefined {
  if (request.ContributorInsightsAction === 'DISABLE') {
    return current === undefined || !current.enabled ? undefined : { ...current, enabled: false, updatedAt: now, until: now + transitionMs };
  }
  const mode = request.ContributorInsightsMode ?? 'ACCESSED_AND_THROTTLED_KEYS';
  if (current?.enabled === true && current.mode === mode) return undefined;
  const rulesCreatedAt = current?.enabled === true ? current.rulesCreatedAt : now;
  return { enabled: true, mode, updatedAt: now, rulesCreatedAt, until: now + transitionMs };
}

function withSetting(table: TableRecord, index: IndexRecord | undefined, setting: ContributorInsightsSetting): TableRecord {
  if (index === undefined) return { ...table, contributorInsights: setting };
  return {
    ...table,
    GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((candidate) => (candidate.id === index.id ? { ...candidate, contributorInsights: setting } : candidate)),
  };
}

export const updateContributorInsights = defineOperation<UpdateContributorInsightsRequest>({
  name: 'UpdateContributorInsights',
  shape: struct('UpdateContributorInsightsInput', {
    TableName: tableNameMember,
    IndexName: optionalIndexNameMember,
    ContributorInsightsAction: str({ required: true, enum: ['ENABLE', 'DISABLE'] }),
    ContributorInsightsMode: insightsModeMember,
  }),
  async execute(request, context) {
    const table = describedTable(context, request.TableName);
    // With the table CREATING the index is not looked at: the table's error comes first (DDB-TABLE-116).
    if (table.TableStatus === 'CREATING') throw validation(`${NOT_VALID}TableStatus must be ACTIVE to enable ContributorInsights.`);
    const named = resourceIn(table, request.IndexName);
    const status = named.index?.IndexStatus;
    if (status === 'CREATING' || status === 'DELETING') throw validation(`${NOT_VALID}IndexStatus must be ACTIVE to enable ContributorInsights.`);
    const now = Date.now();
    const { updateTableMs } = context.services.config;
    if (changedSetting(settingOf(named), request, now, updateTableMs) === undefined) return insightsSummary(named, now);
    const updated = await context.services.catalog.update(
      table,
      (current) => {
        const { index } = resourceIn(current, request.IndexName);
        const next = changedSetting(settingOf({ table: current, index }), request, now, updateTableMs);
        return next === undefined ? current : withSetting(current, index, next);
      },
      false,
    );
    const resource = resourceIn(updated, request.IndexName);
    const summary = insightsSummary(resource, now);
    // A change answers its transition even where it ends at once.
    if (settingOf(resource)?.updatedAt !== now) return summary;
    return { ...summary, ContributorInsightsStatus: request.ContributorInsightsAction === 'ENABLE' ? 'ENABLING' : 'DISABLING' };
  },
});
