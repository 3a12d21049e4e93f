/**
 * A metric series' identity, as CloudWatch names one: the account and region
 * it belongs to, its namespace (AWS/DynamoDB), its name and its dimensions
 * (sorted by name, so one series has one text). The text is a JSON array:
 * unambiguous, and free of NUL bytes, which end it in storage keys.
 */
export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export interface SeriesId {
  readonly account: string;
  readonly region: string;
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: readonly Dimension[];
}

export const DYNAMODB_NAMESPACE = 'AWS/DynamoDB';

export function seriesText(id: SeriesId): string {
  const parts: string[] = [id.account, id.region, id.namespace, id.metric];
  const sorted = [...id.dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  for (const { Name, Value } of sorted) parts.push(Name, Value);
  return JSON.stringify(parts);
}

export function parseSeries(text: string): SeriesId {
  const parts = JSON.parse(text) as string[];
  const dimensions: Dimension[] = [];
  for (let i = 4; i + 1 < parts.length; i += 2) dimensions.push({ Name: parts[i]!, Value: parts[i + 1]! });
  return { account: parts[0]!, region: parts[1]!, namespace: parts[2]!, metric: parts[3]!, dimensions };
}

/** The statistics of one series over one period: what CloudWatch keeps per minute. */
export interface Stat {
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

export function mergeStats(a: Stat, b: Stat): Stat {
  return { sum: a.sum + b.sum, count: a.count + b.count, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** Minutes since the epoch: the periods data is kept in. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}
