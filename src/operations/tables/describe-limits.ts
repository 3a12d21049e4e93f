/**
 * DescribeLimits: the capacity limits DynamoDB reports by default for an
 * account and its tables, all enforced: the per-table and account maximums
 * on CreateTable and UpdateTable (throughput-changes.ts), the per-table one
 * also on on-demand tables' traffic with --capacity enforce.
 */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';
import { ACCOUNT_MAX_CAPACITY_UNITS, TABLE_MAX_CAPACITY_UNITS } from '../../features/capacity/account-limits.js';

export const describeLimits = defineOperation<Record<string, never>>({
  name: 'DescribeLimits',
  shape: struct('DescribeLimitsInput', {}),
  execute() {
    return {
      AccountMaxReadCapacityUnits: ACCOUNT_MAX_CAPACITY_UNITS,
      AccountMaxWriteCapacityUnits: ACCOUNT_MAX_CAPACITY_UNITS,
      TableMaxReadCapacityUnits: TABLE_MAX_CAPACITY_UNITS,
      TableMaxWriteCapacityUnits: TABLE_MAX_CAPACITY_UNITS,
    };
  },
});
