/**
 * Application Auto Scaling's errors (JSON 1.1): names and statuses as
 * @aws-sdk/client-application-auto-scaling's service model declares them.
 */
import { ApiError, type MessageMember } from './errors.js';

const STATUS = {
  ValidationException: 400,
  ObjectNotFoundException: 400,
  ConcurrentUpdateException: 400,
  FailedResourceAccessException: 400,
  InvalidNextTokenException: 400,
  LimitExceededException: 400,
  ResourceNotFoundException: 400,
  TooManyTagsException: 400,
  InternalServiceException: 500,
} as const;

export type AutoScalingErrorName = keyof typeof STATUS;

export class AutoScalingError extends ApiError {
  readonly extra = undefined;
  readonly messageMember: MessageMember = 'Message';

  constructor(
    readonly type: AutoScalingErrorName,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.type];
  }

  get fullType(): string {
    return `com.amazonaws.applicationautoscaling#${this.type}`;
  }
}
