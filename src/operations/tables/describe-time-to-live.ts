/** DescribeTimeToLive: whether Time to Live is on, and on which attribute. */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { describedTable } from './table-access.js';

interface DescribeTimeToLiveRequest {
  readonly TableName: string;
}

export const describeTimeToLive = defineOperation<DescribeTimeToLiveRequest>({
  name: 'DescribeTimeToLive',
  shape: struct('DescribeTimeToLiveInput', {
    TableName: str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
  }),
  execute(request, context) {
    const setting = describedTable(context, request.TableName).TimeToLive;
    return {
      TimeToLiveDescription:
        setting === undefined ? { TimeToLiveStatus: 'DISABLED' } : { TimeToLiveStatus: 'ENABLED', AttributeName: setting.AttributeName },
    };
  },
});
