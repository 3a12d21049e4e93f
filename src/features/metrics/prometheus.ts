/**
 * GET /metrics: the DynamoDB metrics in Prometheus' text format, with
 * CloudWatch's names and dimensions spelt as the Prometheus CloudWatch
 * exporter spells them (aws_dynamodb_<metric in snake case>, labels
 * table_name, global_secondary_index_name, operation), so dashboards made for
 * it read Dynalith too. Values are the running totals in storage, the sums of
 * every process and node, so any process answers for all: counts as counters
 * (`_total`), the latency as `_milliseconds_sum` and `_count`, provisioned
 * capacity as gauges of the tables' current settings. The process's own
 * figures (event-loop lag, memory, CPU) come from prom-client's defaults and
 * are this process's only.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Services } from '../../engine/services.js';
import { storedTableRecords } from '../../engine/catalog.js';
import type { TableRecord } from '../../engine/table.js';
import { readTotals, type SeriesTotal } from './metric-store.js';
import { DYNAMODB_NAMESPACE, parseSeries, type SeriesId } from './metric-series.js';
import { DYNAMODB_METRICS } from './dynamodb-metrics.js';

const LABELS = ['account', 'region', 'table_name', 'global_secondary_index_name', 'operation'] as const;
type Labels = Partial<Record<(typeof LABELS)[number], string>>;


function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter, at: number) => `${at === 0 ? '' : '_'}${letter.toLowerCase()}`);
}

function labelsOf(id: Pick<SeriesId, 'account' | 'region' | 'dimensions'>): Labels {
  const labels: Labels = { account: id.account, region: id.region };
  for (const { Name, Value } of id.dimensions) {
    if (Name === 'TableName') labels.table_name = Value;
    else if (Name === 'GlobalSecondaryIndexName') labels.global_secondary_index_name = Value;
    else if (Name === 'Operation') labels.operation = Value;
  }
  return labels;
}

/** What one scrape read from storage. */
interface Scrape {
  readonly totals: readonly { readonly id: SeriesId; readonly total: SeriesTotal }[];
  readonly tables: readonly TableRecord[];
}

export class PrometheusExposition {
  private readonly registry = new Registry();
  private scrape: Scrape = { totals: [], tables: [] };

  constructor(private readonly services: Services) {
    collectDefaultMetrics({ register: this.registry });
    const totalsOf = (metric: string) => this.scrape.totals.filter(({ id }) => id.metric === metric);
    for (const metric of DYNAMODB_METRICS) {
      if (metric.startsWith('Provisioned')) continue;
      if (metric === 'SuccessfulRequestLatency') {
        for (const [suffix, pick] of [['sum', (t: SeriesTotal) => t.sum], ['count', (t: SeriesTotal) => t.count]] as const) {
          this.counter(`aws_dynamodb_successful_request_latency_milliseconds_${suffix}`, `CloudWatch's ${metric}: ${suffix} of successful requests' latency`, () =>
            totalsOf(metric).map(({ id, total }) => [labelsOf(id), pick(total)] as const),
          );
        }
        continue;
      }
      this.counter(`aws_dynamodb_${snake(metric)}_total`, `CloudWatch's ${metric} (Sum)`, () => totalsOf(metric).map(({ id, total }) => [labelsOf(id), total.sum] as const));
    }
    for (const access of ['Read', 'Write'] as const) {
      const units = access === 'Read' ? 'ReadCapacityUnits' : 'WriteCapacityUnits';
      const scrape = () => this.scrape;
      new Gauge({
        name: `aws_dynamodb_provisioned_${access.toLowerCase()}_capacity_units`,
        help: `CloudWatch's Provisioned${units}: the capacity a provisioned table or global index has now`,
        labelNames: LABELS,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const table of scrape().tables) {
            if (table.BillingMode !== 'PROVISIONED') continue;
            const where = { account: table.account, region: table.region };
            this.set({ ...where, table_name: table.TableName }, table.ProvisionedThroughput[units]);
            for (const index of table.GlobalSecondaryIndexes) {
              if (index.ProvisionedThroughput !== undefined) this.set({ ...where, table_name: table.TableName, global_secondary_index_name: index.IndexName }, index.ProvisionedThroughput[units]);
            }
          }
        },
      });
    }
  }

  private counter(name: string, help: string, values: () => readonly (readonly [Labels, number])[]): void {
    new Counter({
      name,
      help,
      labelNames: LABELS,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of values()) this.inc(labels, value);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: this process's data flushed first, then every process's totals read in one snapshot. */
  async text(): Promise<string> {
    const { storage, metrics } = this.services;
    await metrics.flush();
    this.scrape = await storage.read((tx) => ({
      totals: readTotals(tx)
        .map((total) => ({ id: parseSeries(total.series), total }))
        .filter(({ id }) => id.namespace === DYNAMODB_NAMESPACE),
      tables: storedTableRecords(tx),
    }));
    return this.registry.metrics();
  }
}
