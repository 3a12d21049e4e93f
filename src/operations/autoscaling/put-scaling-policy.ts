/**
 * PutScalingPolicy: creates or replaces a target-tracking policy on a
 * registered DynamoDB target. DynamoDB supports only TargetTrackingScaling
 * (API reference: step scaling is "not supported for DynamoDB", predictive
 * scaling "only supported for Amazon ECS"), on its predefined utilisation
 * metrics. A CustomizedMetricSpecification, which AWS accepts, is refused
 * here: the scaler follows only the table's or index's own consumption.
 * The texts of these refusals were not found recorded; they name what is wrong.
 */
import { defineOperation } from '../operation.js';
import { bool, double, int, list, str, struct } from '../../protocol/shape.js';
import { AutoScalingError } from '../../protocol/autoscaling-errors.js';
import { getPolicy, getTarget, listPolicies, putPolicy, type TargetTrackingConfiguration } from '../../features/autoscaling/scaling-store.js';
import { newPolicyIdentity, policyRecord } from '../../features/autoscaling/target-records.js';
import type { ScalableResource } from '../../features/autoscaling/scalable-resource.js';
import {
  dynamoDbResource,
  resourceIdMember,
  scalableDimensionMember,
  serviceNamespaceMember,
  targetId,
  targetNotFound,
  type TargetRequest,
} from './scalable-target-request.js';

interface PutScalingPolicyRequest extends TargetRequest {
  readonly PolicyName: string;
  readonly PolicyType?: string;
  readonly TargetTrackingScalingPolicyConfiguration?: TargetTrackingConfiguration & { readonly CustomizedMetricSpecification?: object };
}

const METRIC_TYPES = [
  'DynamoDBReadCapacityUtilization', 'DynamoDBWriteCapacityUtilization', 'ALBRequestCountPerTarget', 'RDSReaderAverageCPUUtilization',
  'RDSReaderAverageDatabaseConnections', 'EC2SpotFleetRequestAverageCPUUtilization', 'EC2SpotFleetRequestAverageNetworkIn',
  'EC2SpotFleetRequestAverageNetworkOut', 'SageMakerVariantInvocationsPerInstance', 'ECSServiceAverageCPUUtilization',
  'ECSServiceAverageMemoryUtilization', 'AppStreamAverageCapacityUtilization', 'ComprehendInferenceUtilization',
  'LambdaProvisionedConcurrencyUtilization', 'CassandraReadCapacityUtilization', 'CassandraWriteCapacityUtilization',
  'KafkaBrokerStorageUtilization', 'ElastiCacheEngineCPUUtilization', 'ElastiCacheDatabaseMemoryUsagePercentage',
  'ElastiCachePrimaryEngineCPUUtilization', 'ElastiCacheReplicaEngineCPUUtilization', 'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage',
  'NeptuneReaderAverageCPUUtilization', 'SageMakerVariantProvisionedConcurrencyUtilization',
  'ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage', 'SageMakerInferenceComponentInvocationsPerCopy',
  'WorkSpacesAverageUserSessionsCapacityUtilization', 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution',
  'SageMakerVariantConcurrentRequestsPerModelHighResolution', 'ECSServiceAverageCPUUtilizationHighResolution',
  'ECSServiceAverageMemoryUtilizationHighResolution',
];

// As botocore's model declares them; the step and predictive configurations are refused whole, so their members are not read.
const shape = struct('PutScalingPolicyRequest', {
  PolicyName: str({ required: true, minLength: 1, maxLength: 256 }),
  ServiceNamespace: serviceNamespaceMember,
  ResourceId: resourceIdMember(true),
  ScalableDimension: scalableDimensionMember(true),
  PolicyType: str({ enum: ['StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'] }),
  StepScalingPolicyConfiguration: struct('StepScalingPolicyConfiguration', {}),
  TargetTrackingScalingPolicyConfiguration: struct('TargetTrackingScalingPolicyConfiguration', {
    TargetValue: double({ required: true }),
    PredefinedMetricSpecification: struct('PredefinedMetricSpecification', {
      PredefinedMetricType: str({ required: true, enum: METRIC_TYPES }),
      ResourceLabel: str({ minLength: 1, maxLength: 1023 }),
    }),
    CustomizedMetricSpecification: struct('CustomizedMetricSpecification', {
      MetricName: str(),
      Namespace: str(),
      Dimensions: list(struct('MetricDimension', { Name: str({ required: true }), Value: str({ required: true }) })),
      Statistic: str({ enum: ['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum'] }),
      Unit: str(),
    }),
    ScaleOutCooldown: int(),
    ScaleInCooldown: int(),
    DisableScaleIn: bool(),
  }),
  PredictiveScalingPolicyConfiguration: struct('PredictiveScalingPolicyConfiguration', {}),
});

const invalid = (message: string) => new AutoScalingError('ValidationException', message);

/** The metric type that tracks the resource's capacity. */
function metricTypeFor(resource: ScalableResource): string {
  return resource.access === 'read' ? 'DynamoDBReadCapacityUtilization' : 'DynamoDBWriteCapacityUtilization';
}

/** The request's checks that need no stored state: the configuration this server can follow. */
function trackingConfiguration(request: PutScalingPolicyRequest, resource: ScalableResource): TargetTrackingConfiguration {
  // Without a PolicyType the API creates a step scaling policy.
  const type = request.PolicyType ?? 'StepScaling';
  if (type !== 'TargetTrackingScaling') throw invalid(`Unsupported policy type ${type} for service namespace dynamodb`);
  const config = request.TargetTrackingScalingPolicyConfiguration;
  if (config === undefined) throw invalid('TargetTrackingScalingPolicyConfiguration is required for TargetTrackingScaling policies');
  if (config.CustomizedMetricSpecification !== undefined) {
    throw invalid('CustomizedMetricSpecification is not supported by this server; use PredefinedMetricSpecification');
  }
  const metric = config.PredefinedMetricSpecification?.PredefinedMetricType;
  if (metric === undefined) throw invalid('PredefinedMetricSpecification is required');
  if (metric !== metricTypeFor(resource)) throw invalid(`Unsupported metric type ${metric} for scalable dimension ${request.ScalableDimension}`);
  return config;
}

export const putScalingPolicy = defineOperation<PutScalingPolicyRequest>({
  name: 'PutScalingPolicy',
  shape,
  async execute(request, { namespace, services }) {
    const resource = dynamoDbResource(request);
    const config = trackingConfiguration(request, resource);
    const id = targetId(request);
    const fresh = newPolicyIdentity(namespace, id, request.PolicyName);
    const policy = await services.storage.write((tx) => {
      if (getTarget(tx, namespace, id) === undefined) throw targetNotFound(request, 'registered');
      const others = listPolicies(tx, namespace, id).filter((other) => other.PolicyName !== request.PolicyName);
      // Recorded live: hashicorp/terraform-provider-aws#41179.
      if (others.some((other) => other.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType === metricTypeFor(resource))) {
        throw invalid('Only one TargetTrackingScaling policy for a given metric specification is allowed.');
      }
      const record = policyRecord(namespace, id, request.PolicyName, config, getPolicy(tx, namespace, id, request.PolicyName), fresh);
      putPolicy(tx, record);
      return record;
    });
    // AWS creates the policy's CloudWatch alarms (AlarmHigh, AlarmLow, and for DynamoDB two on the provisioned
    // capacity) and lists them here; this server's scaler samples the consumption itself and creates none.
    return { PolicyARN: policy.PolicyARN, Alarms: [] };
  },
});
