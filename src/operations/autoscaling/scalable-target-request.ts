/**
 * What the Application Auto Scaling operations share: the members naming a
 * scalable target (as botocore's application-autoscaling 2016-02-06 model
 * declares them) and the check that they name a DynamoDB table or index
 * together, with the error AWS answers otherwise.
 */
import { int, str } from '../../protocol/shape.js';
import { AutoScalingError } from '../../protocol/autoscaling-errors.js';
import { scalableResource, type ScalableResource } from '../../features/autoscaling/scalable-resource.js';
import type { TargetId } from '../../features/autoscaling/scaling-store.js';

const SERVICE_NAMESPACES = [
  'ecs', 'elasticmapreduce', 'ec2', 'appstream', 'dynamodb', 'rds', 'sagemaker', 'custom-resource', 'comprehend', 'lambda',
  'cassandra', 'kafka', 'elasticache', 'neptune', 'workspaces',
];

const SCALABLE_DIMENSIONS = [
  'ecs:service:DesiredCount', 'ec2:spot-fleet-request:TargetCapacity', 'elasticmapreduce:instancegroup:InstanceCount',
  'appstream:fleet:DesiredCapacity', 'dynamodb:table:ReadCapacityUnits', 'dynamodb:table:WriteCapacityUnits',
  'dynamodb:index:ReadCapacityUnits', 'dynamodb:index:WriteCapacityUnits', 'rds:cluster:ReadReplicaCount',
  'sagemaker:variant:DesiredInstanceCount', 'custom-resource:ResourceType:Property',
  'comprehend:document-classifier-endpoint:DesiredInferenceUnits', 'comprehend:entity-recognizer-endpoint:DesiredInferenceUnits',
  'lambda:function:ProvisionedConcurrency', 'cassandra:table:ReadCapacityUnits', 'cassandra:table:WriteCapacityUnits',
  'kafka:broker-storage:VolumeSize', 'elasticache:cache-cluster:Nodes', 'elasticache:replication-group:NodeGroups',
  'elasticache:replication-group:Replicas', 'neptune:cluster:ReadReplicaCount', 'sagemaker:variant:DesiredProvisionedConcurrency',
  'sagemaker:inference-component:DesiredCopyCount', 'workspaces:workspacespool:DesiredUserSessions',
];

// An empty namespace is answered with the length constraint (steampipe-mod-aws-compliance#312, live AWS).
export const serviceNamespaceMember = str({ required: true, minLength: 1, enum: SERVICE_NAMESPACES });
export const resourceIdMember = (required: boolean) => str({ required, minLength: 1, maxLength: 1600 });
export const scalableDimensionMember = (required: boolean) => str({ required, enum: SCALABLE_DIMENSIONS });
export const maxResultsMember = int();
export const nextTokenMember = str();

export interface TargetRequest {
  readonly ServiceNamespace: string;
  readonly ResourceId: string;
  readonly ScalableDimension: string;
}

/**
 * The DynamoDB table or index the request names, or AWS's answer to a
 * triple it cannot scale (recorded live in pulumi/pulumi-policy-aws#11, for
 * `dynamo/<table>`; other namespaces' resources are none this server has).
 */
export function dynamoDbResource(request: TargetRequest): ScalableResource {
  const resource = request.ServiceNamespace === 'dynamodb' ? scalableResource(request.ResourceId, request.ScalableDimension) : undefined;
  if (resource === undefined) throw new AutoScalingError('ValidationException', 'Unsupported service namespace, resource type or scalable dimension');
  return resource;
}

export function targetId(request: TargetRequest): TargetId {
  return { ResourceId: request.ResourceId, ScalableDimension: request.ScalableDimension };
}

/** How not-found messages name a target ("service namespace: dynamodb, resource ID: table/T, scalable dimension: ..."). */
export function describedTarget(request: TargetRequest): string {
  return `service namespace: ${request.ServiceNamespace}, resource ID: ${request.ResourceId}, scalable dimension: ${request.ScalableDimension}`;
}

/** "Registered" is PutScalingPolicy's word (ansible/ansible#40237, terraform runs), "found" DeregisterScalableTarget's (a FlociLab run against AWS). */
export function targetNotFound(request: TargetRequest, word: 'registered' | 'found'): AutoScalingError {
  return new AutoScalingError('ObjectNotFoundException', `No scalable target ${word} for ${describedTarget(request)}`);
}
