/**
 * SyncTableSettings: a change of the settings a global table's replicas
 * share, made on another replica (UpdateTable, UpdateTimeToLive; see
 * tables/settings-sync.ts), applied to this region's replica as it was
 * checked there. A change it has made already leaves it as it is.
 */
import { defineOperation } from '../operation.js';
import { str, struct } from '../../protocol/shape.js';
import { changeReplicas } from '../../features/replication/replica-group.js';
import { sharedChange, withSharedChange } from '../tables/shared-settings.js';
import { tableNotFound } from '../tables/table-access.js';
import { scaleNewIndexWrites } from '../tables/index-write-scaling.js';
import { parseSharedChange } from './peer-documents.js';

interface SyncTableSettingsRequest {
  readonly TableName: string;
  /** The change (JSON): shared-settings.ts's SharedChange. */
  readonly Change: string;
}

export const syncTableSettings = defineOperation<SyncTableSettingsRequest>({
  name: 'SyncTableSettings',
  shape: struct('SyncTableSettingsInput', { TableName: str({ required: true }), Change: str({ required: true }) }),
  async execute(request, { namespace, services }) {
    const change = parseSharedChange(request.Change);
    const { before, after } = await changeReplicas(services, (group) => {
      const before = group.current(namespace, request.TableName);
      if (before === undefined) throw tableNotFound(request.TableName);
      const after = withSharedChange(before, change, () => group.newIndexId(), services.config.updateTableMs);
      group.replace(before, after);
      return { before, after };
    });
    // What the change did here: told again, it creates nothing new.
    const made = sharedChange(before, after);
    if (made !== undefined) await scaleNewIndexWrites(services, [after], made);
    return {};
  },
});
