/**
 * The CloudWatch rules DynamoDB creates for Contributor Insights on a table
 * or a global index, named as the Developer Guide ("CloudWatch contributor
 * insights for DynamoDB: How it works") and live responses (ack-api-quirks
 * DynamoDB lab, DDB-TABLE-092/112, 2026) name them:
 * `DynamoDBContributorInsights-<kind>-<table>[-<index>]-<creation epoch ms>`,
 * PKC and PKT always, SKC and SKT where the key has a sort key; in
 * THROTTLED_KEYS mode only the throttled ones (PKT, SKT).
 */
import type { Namespace } from '../../operations/operation.js';
import type { Catalog } from '../../engine/catalog.js';
import type { ContributorInsightsSetting, IndexRecord, TableRecord } from '../../engine/table.js';

export type InsightsStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED';

/** PKC, SKC: most accessed partition keys, partition and sort keys; PKT, SKT: most throttled. */
export type RuleKind = 'PKC' | 'PKT' | 'SKC' | 'SKT';

const KINDS: readonly RuleKind[] = ['PKC', 'PKT', 'SKC', 'SKT'];

/** A table, or one of its global indexes: what insights are switched on for. */
export interface InsightsResource {
  readonly table: TableRecord;
  readonly index?: IndexRecord;
}

export interface InsightRule {
  readonly resource: InsightsResource;
  readonly kind: RuleKind;
  readonly name: string;
}

/** The status as of `now`: a transition ends at its time, read rather than written. */
export function insightsStatus(setting: ContributorInsightsSetting | undefined, now: number = Date.now()): InsightsStatus {
  if (setting === undefined) return 'DISABLED';
  const settled = now >= setting.until;
  if (setting.enabled) return settled ? 'ENABLED' : 'ENABLING';
  return settled ? 'DISABLED' : 'DISABLING';
}

export function settingOf({ table, index }: InsightsResource): ContributorInsightsSetting | undefined {
  return index === undefined ? table.contributorInsights : index.contributorInsights;
}

/** The internal id counts are kept under: the index's, or the table's (one counter allocates both). */
export function resourceId({ table, index }: InsightsResource): number {
  return index?.id ?? table.id;
}

function keySchema({ table, index }: InsightsResource): InsightsResource['table']['KeySchema'] {
  return index?.KeySchema ?? table.KeySchema;
}

/** The rules that exist now: from the switch on until the switch off. */
export function rulesOf(resource: InsightsResource): InsightRule[] {
  const setting = settingOf(resource);
  if (setting === undefined || !setting.enabled) return [];
  const sorted = keySchema(resource).some((element) => element.KeyType === 'RANGE');
  const accessed = setting.mode === 'ACCESSED_AND_THROTTLED_KEYS';
  const { table, index } = resource;
  const name = index === undefined ? table.TableName : `${table.TableName}-${index.IndexName}`;
  return KINDS.filter((kind) => (accessed || kind.endsWith('T')) && (sorted || kind.startsWith('P'))).map((kind) => ({
    resource,
    kind,
    name: `DynamoDBContributorInsights-${kind}-${name}-${setting.rulesCreatedAt}`,
  }));
}

/** The key attributes a rule's contributors are made of: the partition key's, and for SKC/SKT the sort key's after them. */
export function keyLabels(rule: InsightRule): string[] {
  const schema = keySchema(rule.resource);
  const names = (type: 'HASH' | 'RANGE') => schema.filter((element) => element.KeyType === type).map((element) => element.AttributeName);
  return rule.kind.startsWith('P') ? names('HASH') : [...names('HASH'), ...names('RANGE')];
}

/** The tables of a namespace in name order, each followed by its global indexes in their order. */
export function insightsResources(catalog: Catalog, namespace: Namespace): InsightsResource[] {
  const out: InsightsResource[] = [];
  for (const name of catalog.list(namespace)) {
    const table = catalog.get(namespace, name);
    if (table === undefined) continue;
    out.push({ table });
    for (const index of table.GlobalSecondaryIndexes) out.push({ table, index });
  }
  return out;
}

/** Every rule of a namespace's tables and indexes. */
export function namespaceRules(catalog: Catalog, namespace: Namespace): InsightRule[] {
  return insightsResources(catalog, namespace).flatMap(rulesOf);
}
