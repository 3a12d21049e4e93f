/** DescribeContinuousBackups: whether point-in-time recovery is on, its period and its window. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { continuousBackupsDescription, continuousBackupsTable, tableNameOrArnMember } from './continuous-backups.js';

interface DescribeContinuousBackupsRequest {
  readonly TableName: string;
}

export const describeContinuousBackups = defineOperation<DescribeContinuousBackupsRequest>({
  name: 'DescribeContinuousBackups',
  shape: struct('DescribeContinuousBackupsInput', { TableName: tableNameOrArnMember }),
  execute(request, context) {
    return { ContinuousBackupsDescription: continuousBackupsDescription(continuousBackupsTable(context, request.TableName)) };
  },
});
