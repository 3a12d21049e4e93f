/** DescribeExport: an export of the caller's namespace by its ARN. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { DynamoError, validation } from '../../protocol/errors.js';
import { exportDescription } from '../../features/exports/export-description.js';
import { readExport } from '../../features/exports/export-store.js';
import { exportArnMember } from './export-arn.js';

interface DescribeExportRequest {
  readonly ExportArn: string;
}

/** What an export ARN looks like: a table's ARN, `/export/` and the id. */
const EXPORT_ARN = /^arn:aws:dynamodb:[^:]+:\d{12}:table\/[^/]+\/export\/[^/]+$/;

export const describeExport = defineOperation<DescribeExportRequest>({
  name: 'DescribeExport',
  shape: struct('DescribeExportInput', { ExportArn: exportArnMember(true) }),
  async execute(request, { namespace, services }) {
    // Live DynamoDB's text for an ARN that names no export (ScyllaDB's Alternator tests, run against DynamoDB).
    if (!EXPORT_ARN.test(request.ExportArn)) throw validation('Invalid Export ARN');
    const record = await services.storage.read((tx) => readExport(tx, namespace.account, namespace.region, request.ExportArn));
    // No recorded text: the exception's name and the ARN.
    if (record === undefined) throw new DynamoError('ExportNotFoundException', `Export not found: ${request.ExportArn}`);
    return { ExportDescription: exportDescription(record) };
  },
});
