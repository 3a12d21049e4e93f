/**
 * The Application Auto Scaling operations served on the same endpoint
 * (`X-Amz-Target: AnyScaleFrontendService.<name>`, JSON 1.1, as
 * @aws-sdk/client-application-auto-scaling sends them), for DynamoDB's
 * scalable dimensions. Loaded on first use.
 */
import { operationTable } from '../operation-table.js';

export const findAutoScalingOperation = operationTable({
  RegisterScalableTarget: async () => (await import('./register-scalable-target.js')).registerScalableTarget,
  DeregisterScalableTarget: async () => (await import('./deregister-scalable-target.js')).deregisterScalableTarget,
  DescribeScalableTargets: async () => (await import('./describe-scalable-targets.js')).describeScalableTargets,
  PutScalingPolicy: async () => (await import('./put-scaling-policy.js')).putScalingPolicy,
  DescribeScalingPolicies: async () => (await import('./describe-scaling-policies.js')).describeScalingPolicies,
  DeleteScalingPolicy: async () => (await import('./delete-scaling-policy.js')).deleteScalingPolicy,
  DescribeScalingActivities: async () => (await import('./describe-scaling-activities.js')).describeScalingActivities,
});
