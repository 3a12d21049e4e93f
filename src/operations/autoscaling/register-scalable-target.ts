/**
 * RegisterScalableTarget: registers a DynamoDB table's or global index's
 * read or write capacity, or updates a registered one (members not given are
 * kept). Once stored, a capacity outside [MinCapacity, MaxCapacity] is set
 * to the nearer bound (API reference: "it changes the resource's current
 * capacity to a value that is inside of this range"), recorded as a scaling
 * activity with AWS's cause ("minimum capacity was set to 15", from its
 * DescribeScalingActivities examples).
 */
import { defineOperation } from '../operation.js';
import { bool, int, map, str, struct } from '../../protocol/shape.js';
import { AutoScalingError } from '../../protocol/autoscaling-errors.js';
import { getTarget, type ScalableTargetRecord, type SuspendedState } from '../../features/autoscaling/scaling-store.js';
import { storeTarget, targetRecord } from '../../features/autoscaling/target-records.js';
import { indexOf } from '../../features/autoscaling/scalable-resource.js';
import { dynamoDbResource, resourceIdMember, scalableDimensionMember, serviceNamespaceMember, targetId, type TargetRequest } from './scalable-target-request.js';

interface RegisterScalableTargetRequest extends TargetRequest {
  readonly MinCapacity?: number;
  readonly MaxCapacity?: number;
  readonly RoleARN?: string;
  readonly SuspendedState?: Partial<SuspendedState>;
  readonly Tags?: Record<string, string>;
}

const shape = struct('RegisterScalableTargetRequest', {
  ServiceNamespace: serviceNamespaceMember,
  ResourceId: resourceIdMember(true),
  ScalableDimension: scalableDimensionMember(true),
  MinCapacity: int(),
  MaxCapacity: int(),
  RoleARN: str({ minLength: 1, maxLength: 1600 }),
  SuspendedState: struct('SuspendedState', {
    DynamicScalingInSuspended: bool(),
    DynamicScalingOutSuspended: bool(),
    ScheduledScalingSuspended: bool(),
  }),
  Tags: map(str({ maxLength: 256 }), 'java.lang.String, java.lang.String', { minLength: 1, maxLength: 200, keyMinLength: 1, keyMaxLength: 128 }),
});

const invalid = (message: string) => new AutoScalingError('ValidationException', message);

/**
 * The bounds after the request. "Maximum capacity cannot be less than minimum
 * capacity" is AWS's text (users' deployment logs, e.g. the glg ECS linter's
 * notes); the others were not found recorded and follow an emulator written
 * against captured AWS answers (stackd).
 */
function bounds(existing: ScalableTargetRecord | undefined, request: RegisterScalableTargetRequest): { min: number; max: number } {
  if (existing === undefined && request.MinCapacity === undefined) throw invalid('Minimum capacity must be specified');
  if (existing === undefined && request.MaxCapacity === undefined) throw invalid('Maximum capacity must be specified');
  const min = request.MinCapacity ?? existing!.MinCapacity;
  const max = request.MaxCapacity ?? existing!.MaxCapacity;
  if (min < 0) throw invalid('Minimum capacity cannot be less than 0');
  if (max < min) throw invalid('Maximum capacity cannot be less than minimum capacity');
  return { min, max };
}

export const registerScalableTarget = defineOperation<RegisterScalableTargetRequest>({
  name: 'RegisterScalableTarget',
  shape,
  async execute(request, { namespace, services }) {
    const resource = dynamoDbResource(request);
    const id = targetId(request);
    const existing = await services.storage.read((tx) => getTarget(tx, namespace, id));
    const { min, max } = bounds(existing, request);
    if (existing !== undefined && request.Tags !== undefined) {
      // Recorded live: terraform-aws-modules/terraform-aws-rds-aurora#420.
      throw invalid('The scalable target that you tried to tag already exists. To update tags on an existing scalable target, use the TagResource API.');
    }
    const table = services.catalog.get(namespace, resource.tableName);
    // Recorded live: terraform-aws-modules/terraform-aws-dynamodb-table#15, ocadotechnology/hippolyte#7.
    if (table === undefined) throw invalid(`DynamoDB table does not exist: table/${resource.tableName}`);
    // Not found recorded: these follow the table's message.
    if (resource.indexName !== undefined && indexOf(table, resource) === undefined) throw invalid(`DynamoDB global secondary index does not exist: ${request.ResourceId}`);
    if (table.BillingMode !== 'PROVISIONED') throw invalid(`DynamoDB table is not in provisioned capacity mode: table/${resource.tableName}`);
    const target = targetRecord(namespace, id, { min, max, RoleARN: request.RoleARN, SuspendedState: request.SuspendedState }, existing);
    await storeTarget(services, target);
    return { ScalableTargetARN: target.ScalableTargetARN };
  },
});
