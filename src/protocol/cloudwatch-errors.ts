/**
 * CloudWatch's errors. CloudWatch speaks JSON 1.0 "query compatible": the
 * body names the modelled error shape, and the `x-amzn-query-error` header
 * carries the code its older Query API answered with (`Code;Sender`), which
 * the SDKs and the AWS CLI report as the error's name. Codes, shapes and
 * statuses as @aws-sdk/client-cloudwatch's service model declares them.
 */
import { ApiError, type MessageMember } from './errors.js';

const KINDS = {
  InvalidParameterValue: { shape: 'InvalidParameterValueException', status: 400 },
  InvalidParameterCombination: { shape: 'InvalidParameterCombinationException', status: 400 },
  MissingParameter: { shape: 'MissingRequiredParameterException', status: 400 },
  InvalidNextToken: { shape: 'InvalidNextToken', status: 400 },
  InvalidFormat: { shape: 'InvalidFormatFault', status: 400 },
  LimitExceeded: { shape: 'LimitExceededFault', status: 400 },
  ResourceNotFound: { shape: 'ResourceNotFound', status: 404 },
  ResourceNotFoundException: { shape: 'ResourceNotFoundException', status: 404 },
  InternalServiceError: { shape: 'InternalServiceFault', status: 500 },
  // Not modelled: what CloudWatch's front end answers a value outside its constraints with.
  ValidationError: { shape: 'ValidationError', status: 400 },
} as const;

export type CloudWatchErrorCode = keyof typeof KINDS;

export class CloudWatchError extends ApiError {
  readonly extra = undefined;
  readonly messageMember: MessageMember = 'Message';

  constructor(
    readonly code: CloudWatchErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return KINDS[this.code].status;
  }

  get fullType(): string {
    return `com.amazonaws.cloudwatch#${KINDS[this.code].shape}`;
  }

  override get headerLines(): string {
    return `x-amzn-query-error: ${this.code};${this.status >= 500 ? 'Receiver' : 'Sender'}\r\n`;
  }
}
