import type { S3EndpointSettings } from './features/s3/s3-bucket.js';

/** Server settings, from flags or DYNALITH_* environment variables (see cli.ts). */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** Origins whose pages may call the server besides loopback ones (`*`: any); server/network/browser-access.ts. */
  readonly cors: readonly string[];
  /** Host names requests may name besides loopback names and IP addresses (`*`: any), against DNS rebinding. */
  readonly allowedHosts: readonly string[];
  /** PEM files of a certificate (chain) and its key: the server speaks HTTPS only. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** CIDR blocks of the clients answered; empty: every client. */
  readonly allowFrom: readonly string[];
  /** Requests a second one client address may make (a token bucket); 0: no limit. */
  readonly clientRateLimit: number;
  /** Open connections in all, and from one address, a process accepts; more are answered 503 and closed. */
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** A request's line and headers must arrive within this long of its first byte (else 408). */
  readonly headersTimeoutMs: number;
  readonly dataDir: string;
  readonly inMemory: boolean;
  /** A PostgreSQL URL: the node keeps nothing of its own and serves the tables in that database (src/storage/postgres.ts). */
  readonly storageUrl?: string;
  readonly logLevel: string;
  /** How long a new table stays CREATING (0: ACTIVE at once). */
  readonly createTableMs: number;
  readonly deleteTableMs: number;
  readonly updateTableMs: number;
  /** Region of requests whose credential scope names none. */
  readonly defaultRegion: string;
  readonly account: string;
  /** The size limit of an item collection (a partition's items plus their local index entries). */
  readonly itemCollectionLimitBytes: number;
  /** How often the TTL sweeper (and stream retention) runs. */
  readonly ttlIntervalMs: number;
  /** Stream shards roll over after this many records or this age; records are kept this long. */
  readonly streamShardMaxRecords: number;
  readonly streamShardMaxAgeMs: number;
  readonly streamRetentionMs: number;
  /** How far point-in-time recovery's LatestRestorableDateTime trails now (DynamoDB: about five minutes; 0 lets a restore name the present). */
  readonly pitrLagMs: number;
  /** The shortest period an incremental export may cover (DynamoDB: 15 minutes; tests shorten it). */
  readonly exportMinPeriodMs: number;
  /** How long a shutdown lets open connections finish before it cuts them off. */
  readonly shutdownTimeoutMs: number;
  /** Server processes sharing the port and the store (server/workers.ts); 1: this process serves. */
  readonly workers: number;
  /** report: capacity counted and returned only; enforce: throttled beyond it (features/capacity/). */
  readonly capacity: 'report' | 'enforce';
  /** Seconds of unused provisioned capacity a table keeps for bursts (DynamoDB: 300). */
  readonly burstSeconds: number;
  /** Whether CloudWatch's DynamoDB metrics are recorded (features/metrics/). */
  readonly metrics: boolean;
  /** How often each process adds what it recorded to storage. */
  readonly metricsFlushMs: number;
  /** How long one-minute metric data is kept. */
  readonly metricsRetentionMs: number;
  /** How often alarms are evaluated (CloudWatch: every minute). */
  readonly alarmIntervalMs: number;
  /** Where alarms' state changes are POSTed, as JSON (the stand-in for SNS). */
  readonly alarmWebhooks: readonly string[];
  /**
   * Auto scaling's unit of time: how long one utilisation sample spans. It
   * scales out after 2 samples above a policy's target and in after 15 below,
   * as DynamoDB's alarms do on one-minute data (AWS: 60 s).
   */
  readonly scalingPeriodMs: number;
  /** The folder whose subfolders are the S3 buckets exports write to and imports read from (features/s3/folder-bucket.ts). */
  readonly s3Dir: string;
  /** An S3-compatible endpoint whose buckets exports and imports use instead of s3Dir's folders (features/s3/s3-bucket.ts). */
  readonly s3Endpoint?: S3EndpointSettings;
  /** none: any credentials are accepted, as DynamoDB Local does; verify: SigV4 signatures are checked against credentialsFile. */
  readonly auth: 'none' | 'verify';
  /** The credentials `--auth verify` accepts (security/credentials-file.ts). */
  readonly credentialsFile?: string;
  /** Serve a non-loopback address with `--auth none` anyway (otherwise the start is refused). */
  readonly allowAnonymous: boolean;
  /** Where API calls are logged as CloudTrail records, one JSON object a line (features/audit/); none when absent. */
  readonly auditLog?: string;
  /** Whether data events (item reads and writes, PartiQL, stream reads) are logged too, not only management events. */
  readonly auditDataEvents: boolean;
  /** The audit log is rotated once it would grow past this (0: never). */
  readonly auditLogMaxBytes: number;
  /** How many rotated audit logs (FILE.1 ... FILE.n) are kept. */
  readonly auditLogFiles: number;
  /** The key file standing in for AWS KMS (security/encryption/master-keys.ts); without it nothing is encrypted. */
  readonly kmsKeyFile?: string;
  /** Regions served by other Dynalith servers (region → endpoint): a global table's replica there lives on that server (features/replication/). */
  readonly peers: Readonly<Record<string, string>>;
  /** The credentials requests to peers are signed with. */
  readonly peerCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export const DEFAULT_CONFIG: Config = {
  host: '127.0.0.1',
  port: 8000,
  cors: [],
  allowedHosts: [],
  allowFrom: [],
  clientRateLimit: 0,
  // Per address, half of the usual file descriptor limit (1024): one client cannot take them all.
  maxConnections: 10_000,
  maxConnectionsPerIp: 512,
  // node:http's defaults, kept when it was replaced: a slow client's request is cut off, not waited for.
  keepAliveTimeoutMs: 60_000,
  headersTimeoutMs: 60_000,
  dataDir: './dynalith-data',
  inMemory: false,
  logLevel: 'info',
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  defaultRegion: 'us-east-1',
  account: '000000000000',
  itemCollectionLimitBytes: 10 * 1024 ** 3,
  ttlIntervalMs: 1000,
  streamShardMaxRecords: 10_000,
  streamShardMaxAgeMs: 4 * 3600_000,
  streamRetentionMs: 24 * 3600_000,
  pitrLagMs: 5 * 60_000,
  exportMinPeriodMs: 15 * 60_000,
  shutdownTimeoutMs: 10_000,
  workers: 1,
  capacity: 'report',
  burstSeconds: 300,
  metrics: true,
  metricsFlushMs: 1000,
  metricsRetentionMs: 24 * 3600_000,
  alarmIntervalMs: 60_000,
  alarmWebhooks: [],
  scalingPeriodMs: 60_000,
  s3Dir: './dynalith-s3',
  auth: 'none',
  allowAnonymous: false,
  auditDataEvents: false,
  peers: {},
  // Any key does for a peer with --auth none; a peer that verifies signatures needs real ones (--peer-credentials).
  peerCredentials: { accessKeyId: 'dynalith-peer', secretAccessKey: 'dynalith-peer' },
  auditLogMaxBytes: 100 * 1024 * 1024,
  auditLogFiles: 5,
};
