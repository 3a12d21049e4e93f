/**
 * ListImports: the imports of the caller's account and region (of one table
 * with TableArn), running ones included (measured against DynamoDB, against
 * the API reference's "completed imports": scylladb's test_import.py), in
 * table name order, each table's oldest first, PageSize (1 to 25) at a time.
 * NextToken must be hex in groups of 16 digits, at least 112 of them (API
 * reference): it is the last ARN listed, as hex, padded with zeros.
 */
import { defineOperation } from '../operation.js';
import { int, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { parseTableArn } from '../tables/resource-arn.js';
import { parseImportArn } from '../../features/imports/import-arn.js';
import { importSummary } from '../../features/imports/import-description.js';
import { importRange, readImports } from '../../features/imports/import-store.js';
import type { Namespace } from '../operation.js';

interface ListImportsRequest {
  readonly TableArn?: string;
  readonly PageSize?: number;
  readonly NextToken?: string;
}

const DEFAULT_PAGE_SIZE = 25;
const TOKEN_MIN_DIGITS = 112;

function tokenOf(arn: string): string {
  const hex = Buffer.from(arn).toString('hex');
  return hex.padEnd(Math.max(TOKEN_MIN_DIGITS, Math.ceil(hex.length / 16) * 16), '0');
}

/** The ARN a token continues after; our wording for a token we did not give. */
function arnOfToken(token: string, namespace: Namespace): string {
  const arn = Buffer.from(token, 'hex').toString().replace(/\0+$/, '');
  const parsed = parseImportArn(arn);
  if (parsed === undefined || parsed.account !== namespace.account || parsed.region !== namespace.region) throw validation('Invalid NextToken');
  return arn;
}

export const listImports = defineOperation<ListImportsRequest>({
  name: 'ListImports',
  shape: struct('ListImportsInput', {
    TableArn: str({ minLength: 1, maxLength: 1024 }),
    PageSize: int({ min: 1, max: 25 }),
    NextToken: str({ minLength: 112, maxLength: 1024, pattern: '([0-9a-f]{16})+' }),
  }),
  async execute(request, { namespace, services }) {
    let prefix = '';
    if (request.TableArn !== undefined) {
      const table = parseTableArn(request.TableArn);
      // Another account's or region's table has no imports here.
      if (table.account !== namespace.account || table.region !== namespace.region) return { ImportSummaryList: [] };
      prefix = `${table.arn}/import/`;
    }
    const after = request.NextToken === undefined ? undefined : arnOfToken(request.NextToken, namespace);
    const size = request.PageSize ?? DEFAULT_PAGE_SIZE;
    const range = importRange(namespace.account, namespace.region, prefix, after);
    // One more than a page tells whether another follows.
    const records = await services.storage.read((tx) => readImports(tx, range, size + 1));
    const page = records.slice(0, size);
    return {
      ImportSummaryList: page.map(importSummary),
      ...(records.length > size ? { NextToken: tokenOf(page[page.length - 1]!.ImportArn) } : {}),
    };
  },
});
