/**
 * The capacity quotas DynamoDB applies by default to an account in a region
 * (the Developer Guide's "Service, account, and table quotas"), as
 * DescribeLimits reports them: at most 40,000 read and 40,000 write units a
 * table (and an on-demand table without its own maximum is throttled there,
 * ThrottlingReasons' AccountLimitExceeded), and 80,000 of each provisioned
 * across the account's tables and global indexes.
 */
export const TABLE_MAX_CAPACITY_UNITS = 40_000;
export const ACCOUNT_MAX_CAPACITY_UNITS = 80_000;
