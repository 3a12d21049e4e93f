/** DescribeTable: the table's full TableDescription. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { tableNameMember } from '../common-shapes.js';
import { describedTable } from './table-access.js';
import { describe } from './table-description.js';

interface DescribeTableRequest {
  readonly TableName: string;
}

export const describeTable = defineOperation<DescribeTableRequest>({
  name: 'DescribeTable',
  shape: struct('DescribeTableInput', { TableName: tableNameMember }),
  async execute(request, context) {
    return { Table: await describe(describedTable(context, request.TableName), context.services) };
  },
});
