/**
 * DescribeLimits: the capacity limits DynamoDB reports by default for an
 * account and its tables. The per-table maximum is enforced on CreateTable
 * and UpdateTable (throughput-changes.ts); the account's is not.
 */
import { defineOperation } from '../operation.js';
import { struct } from '../../protocol/shape.js';

export const ACCOUNT_MAX_CAPACITY_UNITS = 80_000;
export const TABLE_MAX_CAPACITY_UNITS = 40_000;

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
