/**
 * The members of CloudWatch's shapes that hold timestamps (or, for
 * `Timestamps`, a list of them). The operations answer them as epoch-second
 * numbers, as the JSON protocol carries them; RPC v2 CBOR wants them tagged
 * (tag 1), which the CBOR front end does by member name. A name suffices:
 * in CloudWatch's model (botocore 1.43's cloudwatch/2010-08-01/service-2.json)
 * every member with one of these names targets a timestamp shape, and no
 * other member does; test/e2e/rpc-v2-cbor.test.ts checks this list against
 * that model when botocore is installed.
 */
export const CLOUDWATCH_TIMESTAMP_MEMBERS: ReadonlySet<string> = new Set([
  'AlarmConfigurationUpdatedTimestamp',
  'CreationDate',
  'EndDate',
  'EndTime',
  'ExpireDate',
  'LastModified',
  'LastUpdateDate',
  'LastUpdatedTimestamp',
  'StartDate',
  'StartTime',
  'StateTransitionedTimestamp',
  'StateUpdatedTimestamp',
  'Timestamp',
  'Timestamps',
]);
