/** DescribeContinuousBackups: whether point-in-time recovery is on, its period and its window. */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { continuousBackupsDescription } from './continuous-backups.js';
import { requireTable, tableNameOrArnMember } from './backup-access.js';

interface DescribeContinuousBackupsRequest {
  readonly TableName: string;
}

export const describeContinuousBackups = defineOperation<DescribeContinuousBackupsRequest>({
  name: 'DescribeContinuousBackups',
  shape: struct('DescribeContinuousBackupsInput', { TableName: tableNameOrArnMember(true) }),
  execute(request, context) {
    return { ContinuousBackupsDescription: continuousBackupsDescription(requireTable(context, request.TableName), context.services.config.pitrLagMs) };
  },
});
