/**
 * What the Contributor Insights operations share: their request members, the
 * table or global index a request names with DynamoDB's not-found errors,
 * and the summary of its insights every answer is built from.
 */
import { DynamoError } from '../../protocol/errors.js';
import { str } from '../../protocol/shape.js';
import type { TableRecord } from '../../engine/table.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { insightsStatus, settingOf, type InsightsResource, type InsightsStatus } from '../../features/insights/insight-rules.js';

export const optionalIndexNameMember = str({ minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN });
export const insightsModeMember = str({ enum: ['ACCESSED_AND_THROTTLED_KEYS', 'THROTTLED_KEYS'] });

/**
 * The table, or its global index of that name. A local index or an unknown
 * name is not found, in DynamoDB's words (ack-api-quirks DynamoDB lab,
 * DDB-TABLE-094, recorded live 2026).
 */
export function resourceIn(table: TableRecord, indexName: string | undefined): InsightsResource {
  if (indexName === undefined) return { table };
  const index = table.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === indexName);
  if (index === undefined) {
    throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Index: ${indexName} not found for table: ${table.TableName}`);
  }
  return { table, index };
}

export interface InsightsSummary {
  readonly TableName: string;
  readonly IndexName?: string;
  readonly ContributorInsightsStatus: InsightsStatus;
  readonly ContributorInsightsMode?: string;
}

/** Names and status, and the mode once insights have been switched on. */
export function insightsSummary(resource: InsightsResource, now: number = Date.now()): InsightsSummary {
  const setting = settingOf(resource);
  return {
    TableName: resource.table.TableName,
    ...(resource.index === undefined ? {} : { IndexName: resource.index.IndexName }),
    ContributorInsightsStatus: insightsStatus(setting, now),
    ...(setting === undefined ? {} : { ContributorInsightsMode: setting.mode }),
  };
}
