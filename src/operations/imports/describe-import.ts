/** DescribeImport: an import of the caller's account and region, by its ARN. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { parseImportArn } from '../../features/imports/import-arn.js';
import { importDescription } from '../../features/imports/import-description.js';
import { readImport } from '../../features/imports/import-store.js';

interface DescribeImportRequest {
  readonly ImportArn: string;
}

export const describeImport = defineOperation<DescribeImportRequest>({
  name: 'DescribeImport',
  shape: struct('DescribeImportInput', { ImportArn: str({ required: true, minLength: 37, maxLength: 1024 }) }),
  async execute({ ImportArn }, { namespace, services }) {
    // "Invalid Import ARN": DynamoDB's answer to an ARN naming a 1-character table (scylladb's test_import.py).
    if (parseImportArn(ImportArn) === undefined) throw validation(`Invalid Import ARN: ${ImportArn}`);
    const record = await services.storage.read((tx) => readImport(tx, namespace.account, namespace.region, ImportArn));
    // Our wording: no recording of DynamoDB's was found.
    if (record === undefined) throw new DynamoError('ImportNotFoundException', `Import not found: ${ImportArn}`);
    return { ImportTableDescription: importDescription(record) };
  },
});
