/**
 * ImportTable: creates the table TableCreationParameters describe, checked as
 * CreateTable checks a definition, CREATING, with the import's record in the
 * same transaction; the background job (features/imports/) reads the S3
 * objects into it and makes it ACTIVE.
 *
 * Idempotency, as measured against DynamoDB (scylladb's
 * test/alternator/test_import.py, 2026, against the API reference's word):
 * ClientToken is required (the SDKs fill it in); while the import with a
 * token runs, the same token for the same table returns that import whatever
 * else differs, and for another table is an ImportConflictException
 * ("Duplicate request detected with conflicting parameters"); once it has
 * ended, its table exists and the request is refused for that first.
 */
import { defineOperation, type OperationContext } from '../operation.js';
import { list, str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { tableArn, type TableRecord } from '../../engine/table.js';
import { checkedDefinition } from '../tables/create-table.js';
import {
  attributeDefinitionsMember,
  billingModeMember,
  globalSecondaryIndexMember,
  keySchemaMember,
  onDemandThroughputMember,
  provisionedThroughputMember,
  sseSpecificationMember,
  type AttributeDefinitionInput,
  type IndexInput,
  type KeySchemaInput,
  type OnDemandThroughputInput,
  type SseSpecificationInput,
  type ThroughputInput,
} from '../tables/table-shapes.js';
import { newImportArn } from '../../features/imports/import-arn.js';
import { importDescription } from '../../features/imports/import-description.js';
import {
  NO_PROGRESS,
  putImport,
  readPendingImports,
  type CsvOptions,
  type ImportRecord,
  type InputCompressionType,
  type InputFormat,
  type S3BucketSource,
} from '../../features/imports/import-store.js';

interface TableCreationParameters {
  readonly TableName: string;
  readonly AttributeDefinitions: readonly AttributeDefinitionInput[];
  readonly KeySchema: readonly KeySchemaInput[];
  readonly BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readonly ProvisionedThroughput?: ThroughputInput;
  readonly OnDemandThroughput?: OnDemandThroughputInput;
  readonly SSESpecification?: SseSpecificationInput;
  readonly GlobalSecondaryIndexes?: readonly IndexInput[];
}

interface ImportTableRequest {
  readonly ClientToken: string;
  readonly S3BucketSource: S3BucketSource;
  readonly InputFormat: InputFormat;
  readonly InputFormatOptions?: { readonly Csv?: CsvOptions };
  readonly InputCompressionType?: InputCompressionType;
  readonly TableCreationParameters: TableCreationParameters;
}

/** "up to 50 simultaneous import table operations are allowed per account" (API reference, LimitExceededException). */
export const MAX_CONCURRENT_IMPORTS = 50;

/** Our wording, after CreateTable's "Subscriber limit exceeded" texts: no recording of DynamoDB's was found. */
const TOO_MANY_IMPORTS = `Subscriber limit exceeded: Only ${MAX_CONCURRENT_IMPORTS} import table operations are allowed at once`;

/** The import a replayed ClientToken names, or the conflict it is. */
function replayed(context: OperationContext, imports: readonly ImportRecord[], request: ImportTableRequest): ImportRecord | undefined {
  const { namespace } = context;
  const same = imports.find((record) => record.account === namespace.account && record.region === namespace.region && record.ClientToken === request.ClientToken);
  if (same === undefined) return undefined;
  if (same.TableName !== request.TableCreationParameters.TableName) {
    throw new DynamoError('ImportConflictException', 'Duplicate request detected with conflicting parameters');
  }
  return same;
}

async function pendingImports(context: OperationContext): Promise<ImportRecord[]> {
  return context.services.storage.read((tx) => readPendingImports(tx));
}

export const importTable = defineOperation<ImportTableRequest>({
  name: 'ImportTable',
  shape: struct('ImportTableInput', {
    ClientToken: str({ required: true, minLength: 1, pattern: '^[^\\$]+$' }),
    S3BucketSource: struct(
      'S3BucketSource',
      {
        S3Bucket: str({ required: true, maxLength: 255, pattern: '^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$' }),
        S3BucketOwner: str({ pattern: '[0-9]{12}' }),
        S3KeyPrefix: str({ maxLength: 1024 }),
      },
      { required: true },
    ),
    InputFormat: str({ required: true, enum: ['DYNAMODB_JSON', 'ION', 'CSV'] }),
    InputFormatOptions: struct('InputFormatOptions', {
      Csv: struct('CsvOptions', {
        Delimiter: str({ minLength: 1, maxLength: 1, pattern: '[,;:|\\t ]' }),
        HeaderList: list(str({ minLength: 1, maxLength: 65536, pattern: '[\\x20-\\x21\\x23-\\x2B\\x2D-\\x7E]*' }), { minLength: 1, maxLength: 255 }),
      }),
    }),
    InputCompressionType: str({ enum: ['GZIP', 'ZSTD', 'NONE'] }),
    TableCreationParameters: struct(
      'TableCreationParameters',
      {
        TableName: str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
        AttributeDefinitions: attributeDefinitionsMember(true),
        KeySchema: keySchemaMember,
        BillingMode: billingModeMember,
        ProvisionedThroughput: provisionedThroughputMember(),
        OnDemandThroughput: onDemandThroughputMember,
        SSESpecification: sseSpecificationMember,
        GlobalSecondaryIndexes: list(globalSecondaryIndexMember),
      },
      { required: true },
    ),
  }),
  async execute(request, context) {
    const { namespace, services } = context;
    if (request.InputFormatOptions?.Csv !== undefined && request.InputFormat !== 'CSV') {
      // Refused by DynamoDB (scylladb's measurements); the wording is ours.
      throw validation(`InputFormatOptions.Csv cannot be given for InputFormat ${request.InputFormat}`);
    }
    const parameters = request.TableCreationParameters;
    const definition = checkedDefinition(parameters, context);
    const running = replayed(context, await pendingImports(context), request);
    if (running !== undefined) return { ImportTableDescription: importDescription(running) };
    if (services.catalog.get(namespace, parameters.TableName) !== undefined) {
      throw new DynamoError('ResourceInUseException', `Table already exists: ${parameters.TableName}`);
    }
    const startedAt = Date.now();
    const importArn = newImportArn({ ...namespace, TableName: parameters.TableName }, startedAt);
    const recordOf = (table: TableRecord): ImportRecord => ({
      account: namespace.account,
      region: namespace.region,
      ImportArn: importArn,
      TableArn: tableArn(table),
      TableId: table.TableId,
      TableName: table.TableName,
      tableId: table.id,
      ClientToken: request.ClientToken,
      S3BucketSource: request.S3BucketSource,
      InputFormat: request.InputFormat,
      ...(request.InputFormatOptions !== undefined ? { InputFormatOptions: request.InputFormatOptions } : {}),
      InputCompressionType: request.InputCompressionType ?? 'NONE',
      TableCreationParameters: { ...parameters },
      startedAt,
      status: 'IN_PROGRESS',
      progress: NO_PROGRESS,
    });
    const fill = {
      begin(tx: Parameters<typeof putImport>[0], table: TableRecord) {
        const running = readPendingImports(tx).filter((record) => record.account === namespace.account).length;
        if (running >= MAX_CONCURRENT_IMPORTS) throw new DynamoError('LimitExceededException', TOO_MANY_IMPORTS);
        putImport(tx, recordOf(table));
      },
    };
    try {
      const table = await services.catalog.create(namespace, definition, fill);
      return { ImportTableDescription: importDescription(recordOf(table)) };
    } catch (error) {
      // The same request, sent twice at once: the one that lost the race answers as a replay.
      if (!(error instanceof DynamoError) || error.type !== 'ResourceInUseException') throw error;
      const winner = replayed(context, await pendingImports(context), request);
      if (winner === undefined) throw error;
      return { ImportTableDescription: importDescription(winner) };
    }
  },
});
