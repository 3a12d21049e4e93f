/**
 * The error registry: every error Dynalith answers with, named as DynamoDB
 * names it, with the namespace, HTTP status and message member DynamoDB sends.
 * Operations throw `DynamoError`s; the server turns them into DynamoDB's JSON
 * error envelope.
 */

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810';
const CORAL_VALIDATE = 'com.amazon.coral.validate';
const CORAL_SERVICE = 'com.amazon.coral.service';

/**
 * The body member that carries the message. Most errors spell it `message`;
 * Coral's deserialisation and access errors, and a few modelled DynamoDB
 * errors, spell it `Message`. The SDKs read either.
 */
export type MessageMember = 'message' | 'Message';

interface ErrorKind {
  readonly namespace: string;
  readonly status: number;
  /** `message` unless given. */
  readonly member?: MessageMember;
}

// Member names: Coral's errors as recorded against live DynamoDB in dynalite's
// tests (test/helpers.js, test/connection.js, index.js); DynamoDB's own errors
// as AWS's DynamoDB service model declares their members (the `message` or
// `Message` of each error shape in @aws-sdk/client-dynamodb), which for
// TransactionCanceledException agrees with bodies recorded from live DynamoDB
// (aws/aws-sdk-net#1292, pynamodb/PynamoDB#1144).
const KINDS = {
  ValidationException: { namespace: CORAL_VALIDATE, status: 400 },
  SerializationException: { namespace: CORAL_SERVICE, status: 400, member: 'Message' },
  // Sent without a message at all.
  UnknownOperationException: { namespace: CORAL_SERVICE, status: 400 },
  MissingAuthenticationTokenException: { namespace: CORAL_SERVICE, status: 400 },
  IncompleteSignatureException: { namespace: CORAL_SERVICE, status: 400 },
  InvalidSignatureException: { namespace: CORAL_SERVICE, status: 400 },
  UnrecognizedClientException: { namespace: CORAL_SERVICE, status: 400 },
  AccessDeniedException: { namespace: CORAL_SERVICE, status: 400, member: 'Message' },
  RequestEntityTooLarge: { namespace: CORAL_SERVICE, status: 413 },
  // Our own failures only; no recording of its body was found.
  InternalFailure: { namespace: CORAL_SERVICE, status: 500 },
  ServiceUnavailable: { namespace: CORAL_SERVICE, status: 503 },
  ResourceNotFoundException: { namespace: DYNAMODB, status: 400 },
  ResourceInUseException: { namespace: DYNAMODB, status: 400 },
  ConditionalCheckFailedException: { namespace: DYNAMODB, status: 400 },
  LimitExceededException: { namespace: DYNAMODB, status: 400 },
  ItemCollectionSizeLimitExceededException: { namespace: DYNAMODB, status: 400 },
  ProvisionedThroughputExceededException: { namespace: DYNAMODB, status: 400 },
  RequestLimitExceeded: { namespace: DYNAMODB, status: 400 },
  ThrottlingException: { namespace: DYNAMODB, status: 400 },
  TransactionCanceledException: { namespace: DYNAMODB, status: 400, member: 'Message' },
  TransactionConflictException: { namespace: DYNAMODB, status: 400 },
  TransactionInProgressException: { namespace: DYNAMODB, status: 400, member: 'Message' },
  IdempotentParameterMismatchException: { namespace: DYNAMODB, status: 400, member: 'Message' },
  DuplicateItemException: { namespace: DYNAMODB, status: 400 },
  // Also what DynamoDB answers a request body it cannot decode (see http-server.ts).
  InternalServerError: { namespace: DYNAMODB, status: 500 },
  TableNotFoundException: { namespace: DYNAMODB, status: 400 },
  TableAlreadyExistsException: { namespace: DYNAMODB, status: 400 },
  TableInUseException: { namespace: DYNAMODB, status: 400 },
  GlobalTableAlreadyExistsException: { namespace: DYNAMODB, status: 400 },
  GlobalTableNotFoundException: { namespace: DYNAMODB, status: 400 },
  ReplicaAlreadyExistsException: { namespace: DYNAMODB, status: 400 },
  ReplicaNotFoundException: { namespace: DYNAMODB, status: 400 },
  IndexNotFoundException: { namespace: DYNAMODB, status: 400 },
  BackupNotFoundException: { namespace: DYNAMODB, status: 400 },
  BackupInUseException: { namespace: DYNAMODB, status: 400 },
  ContinuousBackupsUnavailableException: { namespace: DYNAMODB, status: 400 },
  PointInTimeRecoveryUnavailableException: { namespace: DYNAMODB, status: 400 },
  InvalidRestoreTimeException: { namespace: DYNAMODB, status: 400 },
  SourceTableNotFoundException: { namespace: DYNAMODB, status: 400 },
  ExportNotFoundException: { namespace: DYNAMODB, status: 400 },
  ExportConflictException: { namespace: DYNAMODB, status: 400 },
  InvalidExportTimeException: { namespace: DYNAMODB, status: 400 },
  PolicyNotFoundException: { namespace: DYNAMODB, status: 400 },
  ImportNotFoundException: { namespace: DYNAMODB, status: 400 },
  ImportConflictException: { namespace: DYNAMODB, status: 400 },
  ExpiredIteratorException: { namespace: DYNAMODB, status: 400 },
  TrimmedDataAccessException: { namespace: DYNAMODB, status: 400 },
} as const satisfies Record<string, ErrorKind>;

export type ErrorName = keyof typeof KINDS;

/**
 * An error some API answers with: what the server needs to send it, whatever
 * the service (DynamoDB's here; CloudWatch's and Application Auto Scaling's
 * in their own modules, since their names overlap DynamoDB's).
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  /** The body's `__type`. */
  abstract readonly fullType: string;
  abstract readonly messageMember: MessageMember;
  abstract readonly extra: Readonly<Record<string, unknown>> | undefined;
  /** Header lines of the service's own that go with the error. */
  get headerLines(): string {
    return '';
  }
}

/** An error's body, whatever the protocol encodes it in: `__type`, the message unless it is empty, and the error's own members. */
export function errorBody(error: ApiError): Record<string, unknown> {
  const body: Record<string, unknown> = { __type: error.fullType };
  if (error.message !== '') body[error.messageMember] = error.message;
  if (error.extra) Object.assign(body, error.extra);
  return body;
}

export class DynamoError extends ApiError {
  readonly type: ErrorName;
  /** Extra members of the error body, e.g. `Item` or `CancellationReasons`. */
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(type: ErrorName, message: string, extra?: Record<string, unknown>) {
    super(message);
    this.type = type;
    this.extra = extra;
  }

  get status(): number {
    return KINDS[this.type].status;
  }

  get fullType(): string {
    return `${KINDS[this.type].namespace}#${this.type}`;
  }

  get messageMember(): MessageMember {
    return (KINDS[this.type] as ErrorKind).member ?? 'message';
  }
}

/** Whether a name is one of DynamoDB's error types (an error relayed from another server is rebuilt from it). */
export function isErrorName(name: string): name is ErrorName {
  return Object.hasOwn(KINDS, name);
}

/** Shorthand for the error almost every bad request gets. */
export function validation(message: string): DynamoError {
  return new DynamoError('ValidationException', message);
}

export function resourceNotFound(message = 'Requested resource not found'): DynamoError {
  return new DynamoError('ResourceNotFoundException', message);
}

export function conditionalCheckFailed(item?: Record<string, unknown>): DynamoError {
  return new DynamoError(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    item ? { Item: item } : undefined,
  );
}

/** What an unexpected failure is answered with (AWS's common errors: InternalFailure). */
export const INTERNAL_FAILURE_MESSAGE = 'The request processing has failed because of an unknown error, exception or failure.';
