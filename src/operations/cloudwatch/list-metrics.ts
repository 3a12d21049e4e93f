/**
 * ListMetrics: the series with data in the caller's account and region,
 * filtered by namespace, name and dimensions (a dimension filter without a
 * value matches any value), 500 a page as CloudWatch pages them.
 */
import { defineOperation } from '../operation.js';
import { bool, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import { readMinutes, readTotals } from '../../features/metrics/metric-store.js';
import { minuteOf, parseSeries } from '../../features/metrics/metric-series.js';

const PAGE = 500;
/** RecentlyActive's one value: data in the last three hours. */
const RECENT_MS = 3 * 3600_000;

interface ListMetricsRequest {
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: readonly { readonly Name: string; readonly Value?: string }[];
  readonly NextToken?: string;
  readonly RecentlyActive?: 'PT3H';
}

export const listMetrics = defineOperation<ListMetricsRequest>({
  name: 'ListMetrics',
  shape: struct('ListMetricsInput', {
    Namespace: str({ minLength: 1, maxLength: 255 }),
    MetricName: str({ minLength: 1, maxLength: 255 }),
    Dimensions: list(struct('DimensionFilter', { Name: str({ required: true, minLength: 1, maxLength: 255 }), Value: str({ minLength: 1, maxLength: 1024 }) }), { maxLength: 10 }),
    NextToken: str(),
    RecentlyActive: str({ enum: ['PT3H'] }),
    IncludeLinkedAccounts: bool(),
    OwningAccount: str({ minLength: 1, maxLength: 255 }),
  }),
  async execute(request, { namespace, services }) {
    const from = request.NextToken === undefined ? 0 : Number(request.NextToken);
    if (!Number.isSafeInteger(from) || from < 0) throw new CloudWatchError('InvalidNextToken', 'The service cannot find the specified token.');
    await services.metrics.flush();
    const since = minuteOf(Date.now() - RECENT_MS);
    const found = await services.storage.read((tx) =>
      readTotals(tx)
        .filter(({ series }) => request.RecentlyActive === undefined || readMinutes(tx, series, since, minuteOf(Date.now()) + 1).length > 0)
        .map(({ series }) => parseSeries(series))
        .filter((id) => id.account === namespace.account && id.region === namespace.region)
        .filter((id) => request.Namespace === undefined || id.namespace === request.Namespace)
        .filter((id) => request.MetricName === undefined || id.metric === request.MetricName)
        .filter((id) =>
          (request.Dimensions ?? []).every((filter) => id.dimensions.some((d) => d.Name === filter.Name && (filter.Value === undefined || d.Value === filter.Value))),
        ),
    );
    const page = found.slice(from, from + PAGE);
    return {
      Metrics: page.map((id) => ({ Namespace: id.namespace, MetricName: id.metric, Dimensions: id.dimensions })),
      ...(from + PAGE < found.length ? { NextToken: String(from + PAGE) } : {}),
    };
  },
});
