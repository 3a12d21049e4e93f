/**
 * UpdateTimeToLive: switches Time to Live on (naming the attribute) or off.
 * Switching on indexes the table's existing items in the background;
 * switching off drops the expiry index. On a global table's replica, every
 * replica switches (settings-sync.ts).
 */
import { defineOperation } from '../operation.js';
import { bool, str, struct } from '../../protocol/shape.js';
import { validation } from '../../protocol/errors.js';
import { TABLE_NAME_PATTERN } from '../common-shapes.js';
import { describedTable } from './table-access.js';
import { changeSharedTable } from './settings-sync.js';
import { checkReplicatedTimeToLive } from './replica-settings-rules.js';

interface UpdateTimeToLiveRequest {
  readonly TableName: string;
  readonly TimeToLiveSpecification: { readonly Enabled: boolean; readonly AttributeName: string };
}

export const updateTimeToLive = defineOperation<UpdateTimeToLiveRequest>({
  name: 'UpdateTimeToLive',
  shape: struct('UpdateTimeToLiveInput', {
    TableName: str({ required: true, minLength: 3, maxLength: 255, pattern: TABLE_NAME_PATTERN }),
    TimeToLiveSpecification: struct(
      'TimeToLiveSpecification',
      {
        AttributeName: str({ required: true, minLength: 1, maxLength: 255 }),
        Enabled: bool({ required: true }),
      },
      { required: true },
    ),
  }),
  async execute(request, context) {
    const { Enabled, AttributeName } = request.TimeToLiveSpecification;
    const table = describedTable(context, request.TableName);
    const current = table.TimeToLive?.AttributeName;
    if (current !== undefined && current !== AttributeName) throw validation('TimeToLive is active on a different AttributeName');
    if (Enabled && current !== undefined) throw validation('TimeToLive is already enabled');
    if (!Enabled && current === undefined) throw validation('TimeToLive is already disabled');
    checkReplicatedTimeToLive(table);
    // The Developer Guide lists Time to Live among what a table of multi-Region strong consistency lacks; the words are Dynalith's own.
    if (table.multiRegionStrong !== undefined) throw validation('One or more parameter values were invalid: Time to Live is not supported on a global table with multi-Region strong consistency');
    // The expiry index follows in the same transaction (Catalog: followTimeToLive); a global table's replicas all switch.
    await changeSharedTable(
      context,
      table,
      (record) => {
        const { TimeToLive: _, ...rest } = record;
        return Enabled ? { ...rest, TimeToLive: { AttributeName } } : rest;
      },
      false,
    );
    return { TimeToLiveSpecification: { Enabled, AttributeName } };
  },
});
