/**
 * GetInsightRuleReport for the rules DynamoDB creates for Contributor
 * Insights (the only rules there are here). The CloudWatch API reference
 * gives the members and their errors (InvalidParameterValue,
 * MissingParameter, ResourceNotFoundException); the DynamoDB Developer Guide
 * limits DynamoDB's rules to 25 contributors ("Requesting more than 25
 * contributors will return an error"). No live answer to these refusals was
 * found, so their texts are ours.
 */
import { defineOperation } from '../operation.js';
import { double, int, list, str, struct } from '../../protocol/shape.js';
import { CloudWatchError } from '../../protocol/cloudwatch-errors.js';
import { namespaceRules } from '../../features/insights/insight-rules.js';
import { insightReport, REPORT_METRICS, type ReportMetric } from '../../features/insights/insight-report.js';

interface GetInsightRuleReportRequest {
  readonly RuleName: string;
  /** Epoch seconds. */
  readonly StartTime: number;
  readonly EndTime: number;
  readonly Period: number;
  readonly MaxContributorCount?: number;
  readonly Metrics?: readonly string[];
  readonly OrderBy?: string;
}

const PRINTABLE = '[\\x20-\\x7E]+';
const DEFAULT_CONTRIBUTORS = 10;
const DYNAMODB_MAX_CONTRIBUTORS = 25;

function invalid(message: string): CloudWatchError {
  return new CloudWatchError('InvalidParameterValue', message);
}

function orderOf(orderBy: string | undefined): 'Sum' | 'Maximum' {
  // The reference has named them SUM and MAXIMUM, later Sum and Maximum: either is taken.
  const lower = (orderBy ?? 'Sum').toLowerCase();
  if (lower === 'sum') return 'Sum';
  if (lower === 'maximum') return 'Maximum';
  throw invalid(`The value ${orderBy} for parameter OrderBy is not valid. Valid values are Sum and Maximum.`);
}

function metricsOf(names: readonly string[]): ReportMetric[] {
  for (const name of names) {
    if (!(REPORT_METRICS as readonly string[]).includes(name)) {
      throw invalid(`The value ${name} for parameter Metrics is not valid. Valid values are ${REPORT_METRICS.join(', ')}.`);
    }
  }
  return names as ReportMetric[];
}

export const getInsightRuleReport = defineOperation<GetInsightRuleReportRequest>({
  name: 'GetInsightRuleReport',
  shape: struct('GetInsightRuleReportInput', {
    RuleName: str({ required: true, minLength: 1, maxLength: 128, pattern: PRINTABLE }),
    StartTime: double({ required: true }),
    EndTime: double({ required: true }),
    Period: int({ required: true, min: 1 }),
    MaxContributorCount: int(),
    Metrics: list(str({ minLength: 1, maxLength: 32, pattern: PRINTABLE })),
    OrderBy: str({ minLength: 1, maxLength: 32, pattern: PRINTABLE }),
  }),
  async execute(request, { namespace, services }) {
    // GetMetricStatistics' words for the same fault.
    if (request.EndTime <= request.StartTime) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    const orderBy = orderOf(request.OrderBy);
    const metrics = metricsOf(request.Metrics ?? []);
    const maxContributors = request.MaxContributorCount ?? DEFAULT_CONTRIBUTORS;
    if (maxContributors < 1 || maxContributors > DYNAMODB_MAX_CONTRIBUTORS) {
      throw invalid(`The value ${maxContributors} for parameter MaxContributorCount is not valid: rules created by DynamoDB report 1 to ${DYNAMODB_MAX_CONTRIBUTORS} contributors.`);
    }
    const rule = namespaceRules(services.catalog, namespace).find((candidate) => candidate.name === request.RuleName);
    if (rule === undefined) throw new CloudWatchError('ResourceNotFoundException', `Rule ${request.RuleName} does not exist.`);
    return insightReport(services.storage, services.insights, rule, {
      startMs: request.StartTime * 1000,
      endMs: request.EndTime * 1000,
      periodSeconds: request.Period,
      maxContributors,
      metrics,
      orderBy,
    });
  },
});
