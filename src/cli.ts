/**
 * The `dynalith` command: flags (or DYNALITH_<FLAG> environment variables) to a
 * running server. Bad input ends with one line on stderr and exit code 2.
 */
import { isLoopback } from './server/network/loopback.js';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { availableParallelism, constants as osConstants } from 'node:os';
import { DEFAULT_CONFIG, type Config } from './config.js';
import type { S3EndpointSettings } from './features/s3/s3-bucket.js';
import { UsageError } from './usage-error.js';
import { parseAllowedHosts, parseCorsOrigins } from './server/network/browser-access.js';
import { parseAddressList } from './server/network/address-list.js';
import { runOperatorCommand } from './operator/command.js';
import { startServer } from './server/dynalith.js';
import { followPrimary, isWorker, reportStartupFailure, startPrimary } from './server/workers.js';

const HELP = `Usage: dynalith [options]
       dynalith check [--data-dir <path>] [--kms-key-file <path>]
       dynalith backup|restore|export|import ... (see dynalith <command> --help)

A DynamoDB-compatible database server.

dynalith backup, restore, export and import are the operators' commands: they
ask a running server (--endpoint, default http://127.0.0.1:8000) to back up,
restore, export or import a table and wait until it is done, with a progress
bar on a terminal and plain lines otherwise.

dynalith check reads a data directory no server is using and reports damage:
LMDB's file page by page, every stored value's checksum, every table's items,
indexes, counters, streams and TTL entries; tables encrypted at rest with the
master keys of --kms-key-file (without them, those tables are not checked).
Exit code 0: no damage found; 1: damage found; 2: it could not check (all).

Options (each also settable as an environment variable, e.g. DYNALITH_PORT=9000):
  --host <address>          address to listen on (default ${DEFAULT_CONFIG.host})
  --port <number>           port to listen on, 0 for any free port (default ${DEFAULT_CONFIG.port})
  --tls-cert <file>         serve HTTPS (only) with this PEM certificate (chain)...
  --tls-key <file>          ...and its PEM private key
  --cors <origins>          origins whose web pages may call the server, comma-separated
                            (https://app.example.com:8443, null, or * for any); pages of
                            loopback origins (localhost, 127.0.0.1, [::1]) always may, and
                            requests of any other origin are refused (403)
  --allowed-hosts <names>   host names requests may be addressed to besides localhost and
                            IP addresses, comma-separated (.example.com: a domain's names;
                            *: any); others are refused (403) against DNS rebinding
  --allow-from <cidrs>      answer only clients in these address blocks, comma-separated
                            (10.0.0.0/8,fd00::/8); others get AccessDeniedException
  --client-rate-limit <n>   requests a second one client address may make; more get
                            ThrottlingException "Rate exceeded" (default 0: no limit)
  --max-connections <n>     open connections a process accepts (default ${DEFAULT_CONFIG.maxConnections})
  --max-connections-per-ip <n>
                            ...from one client address but loopback (default ${DEFAULT_CONFIG.maxConnectionsPerIp}); more are answered 503
  --keep-alive-timeout-ms <ms>
                            an idle connection is closed after this long (default ${DEFAULT_CONFIG.keepAliveTimeoutMs})
  --headers-timeout-ms <ms> a request's headers (and a TLS handshake) must arrive within
                            this long, else 408 (default ${DEFAULT_CONFIG.headersTimeoutMs})
  --data-dir <path>         where data is stored (default ${DEFAULT_CONFIG.dataDir})
  --in-memory               keep everything in memory; nothing is written to disk
  --storage <url>           keep everything in PostgreSQL (postgres://user:password@host:port/db,
                            also CockroachDB or YugabyteDB): any number of nodes may serve it
  --log-level <level>       fatal, error, warn, info, debug, trace or silent (default ${DEFAULT_CONFIG.logLevel})
  --create-table-ms <ms>    how long new tables stay CREATING (default 0: ACTIVE at once)
  --delete-table-ms <ms>    how long deleted tables stay DELETING (default 0)
  --update-table-ms <ms>    how long updated tables stay UPDATING (default 0)
  --item-collection-limit-bytes <n>
                            size limit of an item collection in tables with local
                            secondary indexes (default ${DEFAULT_CONFIG.itemCollectionLimitBytes}: DynamoDB's 10 GB)
  --ttl-interval-ms <ms>    how often expired items are swept (default ${DEFAULT_CONFIG.ttlIntervalMs})
  --stream-shard-records <n>
                            a stream shard closes and gets a child after this many
                            records (default ${DEFAULT_CONFIG.streamShardMaxRecords})
  --stream-shard-age-ms <ms>
                            ...or once it is this old (default ${DEFAULT_CONFIG.streamShardMaxAgeMs}: 4 hours)
  --stream-retention-ms <ms>
                            how long stream records are kept (default ${DEFAULT_CONFIG.streamRetentionMs}: 24 hours)
  --pitr-lag-ms <ms>        how far point-in-time recovery's latest restorable time trails
                            the present (default ${DEFAULT_CONFIG.pitrLagMs}: 5 minutes, as DynamoDB)
  --export-min-period-ms <ms>
                            the shortest period an incremental export may cover
                            (default ${DEFAULT_CONFIG.exportMinPeriodMs}: 15 minutes, as DynamoDB)
  --shutdown-timeout-ms <ms>
                            on SIGTERM or SIGINT, how long requests in flight may take
                            before their connections are cut (default ${DEFAULT_CONFIG.shutdownTimeoutMs});
                            a second signal exits at once
  --workers <n|auto>        server processes sharing the port and the store, to use
                            more cores (default 1; auto: one per core)
  --capacity <mode>         report (default: capacity is counted and returned, never
                            throttled, like DynamoDB Local) or enforce (tables and
                            indexes are throttled beyond their capacity, as DynamoDB does)
  --burst-seconds <n>       with --capacity enforce, how many seconds of unused provisioned
                            capacity a table keeps for bursts (default ${DEFAULT_CONFIG.burstSeconds}, as DynamoDB)
  --metrics <on|off>        record CloudWatch's DynamoDB metrics, served at GET /metrics
                            (Prometheus) and by the CloudWatch API (default on)
  --metrics-flush-ms <ms>   how often a process adds its metrics to the store (default ${DEFAULT_CONFIG.metricsFlushMs})
  --metrics-retention-ms <ms>
                            how long one-minute metric data is kept (default ${DEFAULT_CONFIG.metricsRetentionMs}: 24 hours)
  --alarm-interval-ms <ms>  how often CloudWatch alarms are evaluated (default ${DEFAULT_CONFIG.alarmIntervalMs}, as CloudWatch)
  --alarm-webhook <url>     POST each alarm state change as JSON to this URL (repeatable;
                            the environment variable takes URLs separated by commas)
  --scaling-period-ms <ms>  auto scaling's sample length: it scales out after 2 samples above
                            a policy's target, in after 15 below (default ${DEFAULT_CONFIG.scalingPeriodMs}, as AWS)
  --s3-dir <path>           the folder standing in for S3: each subfolder is a bucket that
                            exports write to and imports read from (default ${DEFAULT_CONFIG.s3Dir})
  --s3-endpoint <url>       use the buckets of this S3-compatible endpoint instead (http:// or
                            https://, path-style addresses: AWS S3, MinIO, ...)
  --s3-region <region>      the region requests to it are signed for (default ${DEFAULT_CONFIG.defaultRegion})
  --s3-access-key-id <id>
  --s3-secret-access-key <key>
                            its credentials (default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                            and AWS_SESSION_TOKEN); a secret is better given as an environment
                            variable than as a flag, which the process list shows
  --auth <none|verify>      verify: check every request's SigV4 signature against --credentials
                            (default none: any credentials are accepted, like DynamoDB Local;
                            --credentials alone means verify)
  --credentials <file>      the accepted credentials: an INI file like ~/.aws/credentials, or
                            JSON naming each key's account, user or role, tags and policies
                            (see the README); read again when it changes
  --allow-anonymous         serve an address other than loopback with --auth none, which
                            is refused otherwise
  --audit-log <file>        log every API call as a CloudTrail record, one JSON object a line
                            (management events: table, backup, stream settings, ...)
  --audit-data-events       log data events too: item reads and writes, PartiQL, stream reads
  --audit-log-max-bytes <n> rotate the audit log once it would grow past this (default
                            ${DEFAULT_CONFIG.auditLogMaxBytes}: 100 MiB; 0: never)
  --audit-log-files <n>     how many rotated audit logs (FILE.1 ... FILE.n) are kept (default ${DEFAULT_CONFIG.auditLogFiles})
  --kms-key-file <file>     master keys standing in for AWS KMS (JSON; see README, "Encryption at
                            rest"): tables with SSESpecification Enabled are encrypted under them;
                            re-read when it changes
  --peer <region>=<url>     a region served by another Dynalith server: a global table's replica
                            in that region lives there, and replication sends it changes over
                            HTTP (repeatable; the environment variable takes them separated by commas)
  --peer-credentials <key-id>:<secret>
                            the credentials requests to peers are signed with (needed where
                            a peer runs --auth verify; better given as an environment variable)
  --help                    show this help
  --version                 show the version
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  cors: { type: 'string' },
  'allowed-hosts': { type: 'string' },
  'allow-from': { type: 'string' },
  'client-rate-limit': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'keep-alive-timeout-ms': { type: 'string' },
  'headers-timeout-ms': { type: 'string' },
  'data-dir': { type: 'string' },
  'in-memory': { type: 'boolean' },
  storage: { type: 'string' },
  workers: { type: 'string' },
  capacity: { type: 'string' },
  'burst-seconds': { type: 'string' },
  metrics: { type: 'string' },
  'metrics-flush-ms': { type: 'string' },
  'metrics-retention-ms': { type: 'string' },
  'alarm-interval-ms': { type: 'string' },
  'alarm-webhook': { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  'peer-credentials': { type: 'string' },
  'scaling-period-ms': { type: 'string' },
  's3-dir': { type: 'string' },
  's3-endpoint': { type: 'string' },
  's3-region': { type: 'string' },
  's3-access-key-id': { type: 'string' },
  's3-secret-access-key': { type: 'string' },
  'audit-log': { type: 'string' },
  'kms-key-file': { type: 'string' },
  'audit-data-events': { type: 'boolean' },
  'audit-log-max-bytes': { type: 'string' },
  'audit-log-files': { type: 'string' },
  'log-level': { type: 'string' },
  'create-table-ms': { type: 'string' },
  'delete-table-ms': { type: 'string' },
  'update-table-ms': { type: 'string' },
  'item-collection-limit-bytes': { type: 'string' },
  'ttl-interval-ms': { type: 'string' },
  'stream-shard-records': { type: 'string' },
  'stream-shard-age-ms': { type: 'string' },
  'stream-retention-ms': { type: 'string' },
  'pitr-lag-ms': { type: 'string' },
  'export-min-period-ms': { type: 'string' },
  'shutdown-timeout-ms': { type: 'string' },
  auth: { type: 'string' },
  credentials: { type: 'string' },
  'allow-anonymous': { type: 'boolean' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];


function envName(flag: string): string {
  return `DYNALITH_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function integer(flag: string, text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new UsageError(`--${flag} must be an integer from 0 to ${max}, got '${text}'`);
  return Number(text);
}

function boolean(flag: string, text: string): boolean {
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no|)$/i.test(text)) return false;
  throw new UsageError(`${envName(flag)} must be true or false, got '${text}'`);
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config | 'help' | 'version' {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  const text = (flag: Exclude<keyof typeof OPTIONS, 'alarm-webhook' | 'peer'>): string | undefined => {
    const value = values[flag];
    if (typeof value === 'string') return value;
    return env[envName(flag)];
  };
  const flagOrEnvBoolean = (flag: 'in-memory' | 'allow-anonymous' | 'audit-data-events'): boolean => {
    if (values[flag] === true) return true;
    const fromEnv = env[envName(flag)];
    return fromEnv === undefined ? false : boolean(flag, fromEnv);
  };
  const logLevel = text('log-level') ?? DEFAULT_CONFIG.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const ms = (flag: 'create-table-ms' | 'delete-table-ms' | 'update-table-ms') => {
    const value = text(flag);
    return value === undefined ? 0 : integer(flag, value, 86_400_000);
  };
  // Settings that must be at least 1: a zero interval, shard size or retention means nothing useful.
  const positive = (
    flag: 'ttl-interval-ms' | 'stream-shard-records' | 'stream-shard-age-ms' | 'stream-retention-ms' | 'metrics-flush-ms' | 'metrics-retention-ms' | 'alarm-interval-ms' | 'scaling-period-ms' | 'max-connections' | 'max-connections-per-ip' | 'keep-alive-timeout-ms' | 'headers-timeout-ms',
    fallback: number,
    max: number,
  ) => {
    const value = text(flag);
    return value === undefined ? fallback : Math.max(1, integer(flag, value, max));
  };
  const collectionLimit = text('item-collection-limit-bytes');
  const shutdownTimeout = text('shutdown-timeout-ms');
  const pitrLag = text('pitr-lag-ms');
  const exportMinPeriod = text('export-min-period-ms');
  const port = text('port');
  const dataDir = text('data-dir') ?? DEFAULT_CONFIG.dataDir;
  if (dataDir === '') throw new UsageError('--data-dir must not be empty');
  const s3Dir = text('s3-dir') ?? DEFAULT_CONFIG.s3Dir;
  if (s3Dir === '') throw new UsageError('--s3-dir must not be empty');
  const s3Endpoint = s3EndpointSettings(text, env);
  const storageUrl = text('storage');
  if (storageUrl !== undefined && !/^postgres(ql)?:\/\//.test(storageUrl)) {
    throw new UsageError(`--storage must be a postgres:// or postgresql:// URL, got '${storageUrl}'`);
  }
  const inMemory = flagOrEnvBoolean('in-memory');
  if (storageUrl !== undefined && inMemory) throw new UsageError('--storage and --in-memory exclude each other');
  const workersText = text('workers');
  const workers = workersText === undefined ? 1 : workersText === 'auto' ? availableParallelism() : integer('workers', workersText, 256);
  if (workers < 1) throw new UsageError(`--workers must be at least 1 or auto, got '${workersText}'`);
  if (workers > 1 && inMemory) throw new UsageError('--workers needs a store the processes share: not --in-memory');
  const capacity = text('capacity') ?? DEFAULT_CONFIG.capacity;
  if (capacity !== 'report' && capacity !== 'enforce') throw new UsageError(`--capacity must be report or enforce, got '${capacity}'`);
  const burst = text('burst-seconds');
  const metrics = text('metrics') ?? 'on';
  if (metrics !== 'on' && metrics !== 'off') throw new UsageError(`--metrics must be on or off, got '${metrics}'`);
  const auditLog = text('audit-log');
  if (auditLog === '') throw new UsageError('--audit-log must not be empty');
  const auditDataEvents = flagOrEnvBoolean('audit-data-events');
  const kmsKeyFile = text('kms-key-file');
  if (kmsKeyFile === '') throw new UsageError('--kms-key-file must not be empty');
  const auditMaxBytes = text('audit-log-max-bytes');
  const auditFiles = text('audit-log-files');
  if (auditLog === undefined && (auditDataEvents || auditMaxBytes !== undefined || auditFiles !== undefined)) {
    throw new UsageError('--audit-data-events, --audit-log-max-bytes and --audit-log-files need --audit-log');
  }
  const webhooks = values['alarm-webhook'] ?? env[envName('alarm-webhook')]?.split(',').filter((url) => url !== '') ?? [];
  for (const url of webhooks) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--alarm-webhook must be an http:// or https:// URL, got '${url}'`);
  }
  const peers = peerSettings(values.peer ?? env[envName('peer')]?.split(',').filter((entry) => entry !== '') ?? [], text('peer-credentials'));
  const host = text('host') ?? DEFAULT_CONFIG.host;
  const auth = authSettings(text, flagOrEnvBoolean('allow-anonymous'), host);
  const rateLimit = text('client-rate-limit');
  return {
    ...DEFAULT_CONFIG,
    ...networkSettings(text),
    clientRateLimit: rateLimit === undefined ? 0 : integer('client-rate-limit', rateLimit, 1_000_000),
    maxConnections: positive('max-connections', DEFAULT_CONFIG.maxConnections, 1_000_000),
    maxConnectionsPerIp: positive('max-connections-per-ip', DEFAULT_CONFIG.maxConnectionsPerIp, 1_000_000),
    keepAliveTimeoutMs: positive('keep-alive-timeout-ms', DEFAULT_CONFIG.keepAliveTimeoutMs, 86_400_000),
    headersTimeoutMs: positive('headers-timeout-ms', DEFAULT_CONFIG.headersTimeoutMs, 86_400_000),
    host,
    port: port === undefined ? DEFAULT_CONFIG.port : integer('port', port, 65535),
    dataDir,
    inMemory,
    ...(storageUrl === undefined ? {} : { storageUrl }),
    ...(kmsKeyFile === undefined ? {} : { kmsKeyFile }),
    logLevel,
    createTableMs: ms('create-table-ms'),
    deleteTableMs: ms('delete-table-ms'),
    updateTableMs: ms('update-table-ms'),
    itemCollectionLimitBytes:
      collectionLimit === undefined
        ? DEFAULT_CONFIG.itemCollectionLimitBytes
        : integer('item-collection-limit-bytes', collectionLimit, Number.MAX_SAFE_INTEGER),
    ttlIntervalMs: positive('ttl-interval-ms', DEFAULT_CONFIG.ttlIntervalMs, 86_400_000),
    streamShardMaxRecords: positive('stream-shard-records', DEFAULT_CONFIG.streamShardMaxRecords, 1_000_000_000),
    streamShardMaxAgeMs: positive('stream-shard-age-ms', DEFAULT_CONFIG.streamShardMaxAgeMs, 30 * 86_400_000),
    streamRetentionMs: positive('stream-retention-ms', DEFAULT_CONFIG.streamRetentionMs, 30 * 86_400_000),
    pitrLagMs: pitrLag === undefined ? DEFAULT_CONFIG.pitrLagMs : integer('pitr-lag-ms', pitrLag, 86_400_000),
    exportMinPeriodMs: exportMinPeriod === undefined ? DEFAULT_CONFIG.exportMinPeriodMs : integer('export-min-period-ms', exportMinPeriod, 86_400_000),
    shutdownTimeoutMs: shutdownTimeout === undefined ? DEFAULT_CONFIG.shutdownTimeoutMs : integer('shutdown-timeout-ms', shutdownTimeout, 86_400_000),
    workers,
    capacity,
    burstSeconds: burst === undefined ? DEFAULT_CONFIG.burstSeconds : integer('burst-seconds', burst, 3600),
    metrics: metrics === 'on',
    metricsFlushMs: positive('metrics-flush-ms', DEFAULT_CONFIG.metricsFlushMs, 3_600_000),
    metricsRetentionMs: positive('metrics-retention-ms', DEFAULT_CONFIG.metricsRetentionMs, 455 * 86_400_000),
    alarmIntervalMs: positive('alarm-interval-ms', DEFAULT_CONFIG.alarmIntervalMs, 86_400_000),
    alarmWebhooks: webhooks,
    scalingPeriodMs: positive('scaling-period-ms', DEFAULT_CONFIG.scalingPeriodMs, 86_400_000),
    s3Dir,
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    ...auth,
    ...(auditLog === undefined ? {} : { auditLog }),
    auditDataEvents,
    auditLogMaxBytes: auditMaxBytes === undefined ? DEFAULT_CONFIG.auditLogMaxBytes : integer('audit-log-max-bytes', auditMaxBytes, Number.MAX_SAFE_INTEGER),
    auditLogFiles: auditFiles === undefined ? DEFAULT_CONFIG.auditLogFiles : integer('audit-log-files', auditFiles, 1000),
    ...peers,
  };
}

/** `--peer region=url` entries and `--peer-credentials key:secret`. */
function peerSettings(entries: readonly string[], credentials: string | undefined): Pick<Config, 'peers' | 'peerCredentials'> {
  const peers: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const region = entry.slice(0, at);
    const url = entry.slice(at + 1);
    if (at <= 0 || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--peer must be <region>=<http:// or https:// URL>, got '${entry}'`);
    if (region in peers) throw new UsageError(`--peer names region ${region} twice`);
    peers[region] = url;
  }
  if (credentials === undefined) return { peers, peerCredentials: DEFAULT_CONFIG.peerCredentials };
  const colon = credentials.indexOf(':');
  if (colon <= 0 || colon === credentials.length - 1) throw new UsageError('--peer-credentials must be <access key id>:<secret access key>');
  return { peers, peerCredentials: { accessKeyId: credentials.slice(0, colon), secretAccessKey: credentials.slice(colon + 1) } };
}

/**
 * --auth, --credentials and --allow-anonymous. Serving anything but loopback
 * without authentication must be asked for: a server on 0.0.0.0 that accepts
 * any request by default is an open database.
 */
function authSettings(text: (flag: 'auth' | 'credentials') => string | undefined, allowAnonymous: boolean, host: string): Pick<Config, 'auth' | 'credentialsFile' | 'allowAnonymous'> {
  const credentialsFile = text('credentials');
  if (credentialsFile === '') throw new UsageError('--credentials must not be empty');
  const auth = text('auth') ?? (credentialsFile === undefined ? 'none' : 'verify');
  if (auth !== 'none' && auth !== 'verify') throw new UsageError(`--auth must be none or verify, got '${auth}'`);
  if (auth === 'verify' && credentialsFile === undefined) throw new UsageError('--auth verify needs --credentials <file>');
  if (auth === 'none' && credentialsFile !== undefined) throw new UsageError('--credentials goes with --auth verify, not --auth none');
  if (auth === 'verify' && allowAnonymous) throw new UsageError('--allow-anonymous and --auth verify exclude each other');
  if (auth === 'none' && !allowAnonymous && !isLoopback(host)) {
    throw new UsageError(`refusing to serve ${host} without authentication: give --auth verify --credentials <file>, or --allow-anonymous to accept any request`);
  }
  return { auth, ...(credentialsFile === undefined ? {} : { credentialsFile }), allowAnonymous };
}


/** A comma-separated list; empty entries are dropped. */
function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

type NetworkFlag = 'tls-cert' | 'tls-key' | 'cors' | 'allowed-hosts' | 'allow-from';

/** Who may connect and how: TLS, browsers' origins and host names, client address blocks, each checked here. */
function networkSettings(text: (flag: NetworkFlag) => string | undefined): Pick<Config, 'cors' | 'allowedHosts' | 'allowFrom' | 'tls'> {
  const certFile = text('tls-cert');
  const keyFile = text('tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (certFile === '' || keyFile === '') throw new UsageError('--tls-cert and --tls-key must not be empty');
  const allowFrom = list(text('allow-from'));
  parseAddressList(allowFrom);
  return {
    cors: parseCorsOrigins(list(text('cors'))),
    allowedHosts: parseAllowedHosts(list(text('allowed-hosts'))),
    allowFrom,
    ...(certFile === undefined || keyFile === undefined ? {} : { tls: { certFile, keyFile } }),
  };
}

/** --s3-endpoint and what goes with it; undefined when buckets are --s3-dir's folders. */
function s3EndpointSettings(text: (flag: 's3-dir' | 's3-endpoint' | 's3-region' | 's3-access-key-id' | 's3-secret-access-key') => string | undefined, env: NodeJS.ProcessEnv): S3EndpointSettings | undefined {
  const endpoint = text('s3-endpoint');
  if (endpoint === undefined) {
    for (const flag of ['s3-region', 's3-access-key-id', 's3-secret-access-key'] as const) {
      if (text(flag) !== undefined) throw new UsageError(`--${flag} needs --s3-endpoint`);
    }
    return undefined;
  }
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol) || new URL(endpoint).search !== '' || new URL(endpoint).hash !== '') {
    throw new UsageError(`--s3-endpoint must be an http:// or https:// URL without query or fragment, got '${endpoint}'`);
  }
  if (text('s3-dir') !== undefined) throw new UsageError('--s3-dir and --s3-endpoint exclude each other');
  const region = text('s3-region') ?? DEFAULT_CONFIG.defaultRegion;
  if (!/^[a-z0-9-]+$/.test(region)) throw new UsageError(`--s3-region must be a region name such as us-east-1, got '${region}'`);
  const accessKeyId = text('s3-access-key-id');
  const secretAccessKey = text('s3-secret-access-key');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new UsageError('--s3-access-key-id and --s3-secret-access-key go together: give both or neither');
  }
  if (accessKeyId !== undefined && secretAccessKey !== undefined) return { endpoint, region, credentials: { accessKeyId, secretAccessKey } };
  // AWS's own variables, as every AWS tool reads them; a session token belongs to these keys only.
  const { AWS_ACCESS_KEY_ID: envKeyId, AWS_SECRET_ACCESS_KEY: envSecret, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!envKeyId || !envSecret) {
    throw new UsageError('--s3-endpoint needs credentials: --s3-access-key-id and --s3-secret-access-key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  return { endpoint, region, credentials: { accessKeyId: envKeyId, secretAccessKey: envSecret, ...(sessionToken ? { sessionToken } : {}) } };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `dynalith check`: prints what it checked and found; exit code 0 (clean), 1 (damage) or 2 (could not check). */
async function check(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<never> {
  let dataDir: string;
  let kmsKeyFile: string | undefined;
  try {
    const { values } = parseArgs({ args: [...argv], options: { 'data-dir': OPTIONS['data-dir'], 'kms-key-file': OPTIONS['kms-key-file'], help: OPTIONS.help }, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(HELP);
      process.exit(0);
    }
    dataDir = values['data-dir'] ?? env[envName('data-dir')] ?? DEFAULT_CONFIG.dataDir;
    kmsKeyFile = values['kms-key-file'] ?? env[envName('kms-key-file')];
  } catch (error) {
    process.stderr.write(`dynalith check: ${(error as Error).message.split('\n')[0]} (see --help)\n`);
    process.exit(2);
  }
  // Loaded only for this command: it brings lmdb.
  const { checkDataDir } = await import('./check/data-dir-check.js');
  let report;
  try {
    report = await checkDataDir(dataDir, kmsKeyFile);
  } catch (error) {
    process.stderr.write(`dynalith check: ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(2);
  }
  const lines = [
    `Checking ${report.path}`,
    ...report.summary,
    ...report.damage.map((line) => `damage: ${line}`),
    ...report.leftovers.map((line) => `leftover: ${line}`),
    ...report.unchecked.map((line) => `not checked: ${line}`),
  ];
  const problems = report.damage.length;
  if (problems > 0) lines.push(`${problems} ${problems === 1 ? 'problem' : 'problems'} found: the data directory is damaged.`);
  else lines.push(report.unchecked.length === 0 ? 'No damage found.' : 'No damage found in what could be checked.');
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(problems > 0 ? 1 : report.unchecked.length > 0 ? 2 : 0);
}

/** The operators' commands (src/operator/), loaded only when used. */
const OPERATOR_COMMANDS: Readonly<Record<string, (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<never>>> = {
  backup: async (argv, env) => runOperatorCommand((await import('./operator/backup.js')).backupCommand, argv, env),
  restore: async (argv, env) => runOperatorCommand((await import('./operator/restore.js')).restoreCommand, argv, env),
  export: async (argv, env) => runOperatorCommand((await import('./operator/export.js')).exportCommand, argv, env),
  import: async (argv, env) => runOperatorCommand((await import('./operator/import.js')).importCommand, argv, env),
};

export async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'check') return check(argv.slice(1), process.env);
  const operator = argv[0] === undefined ? undefined : OPERATOR_COMMANDS[argv[0]];
  if (operator !== undefined) return operator(argv.slice(1), process.env);
  let config;
  try {
    config = parseConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dynalith: ${error.message} (see --help)\n`);
    process.exit(2);
  }
  if (config === 'help') return void process.stdout.write(HELP);
  if (config === 'version') return void process.stdout.write(`dynalith ${version()}\n`);
  const where = config.inMemory ? 'in memory' : config.storageUrl !== undefined ? `data in ${withoutPassword(config.storageUrl)}` : `data in ${config.dataDir}`;
  if (config.workers > 1 && !isWorker()) return primary(config, where);
  const worker = isWorker();
  if (worker) followPrimary();
  let server;
  try {
    server = await startServer(config, undefined, worker);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    if (worker) return void reportStartupFailure(message);
    process.stderr.write(`dynalith: ${message}\n`);
    process.exit(2);
  }
  // A second signal means now: acknowledged writes are already durable, and
  // LMDB survives an exit in the middle of a commit (see durability.test.ts).
  const stop = onSignals(() => server.close(), () => undefined);
  // A terminal's Ctrl-C reaches every process of the group: a worker leaves stopping to its primary, which relays SIGTERM.
  process.on('SIGINT', worker ? () => undefined : stop);
  process.on('SIGTERM', stop);
  if (!worker) process.stdout.write(`Dynalith listening on ${server.endpoint} (${where})\n`);
}

/**
 * The handler of SIGINT and SIGTERM: the first signal stops gracefully and
 * exits 0 (1 if stopping failed); a second one calls `now` and exits at once.
 */
function onSignals(graceful: () => Promise<void>, now: () => void): (signal: NodeJS.Signals) => void {
  let stopping = false;
  return (signal) => {
    if (stopping) {
      now();
      process.exit(128 + osConstants.signals[signal]);
    }
    stopping = true;
    graceful().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`dynalith: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
}

/** `--workers N`: start the workers, relay the first signal as a graceful stop, a second one as a kill. */
async function primary(config: Config, where: string): Promise<void> {
  let started;
  try {
    started = await startPrimary(config, (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    process.stderr.write(`dynalith: ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(2);
  }
  const stop = onSignals(() => started.stop(), () => started.kill());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`Dynalith listening on ${started.endpoint} (${where}, ${config.workers} workers)\n`);
}

/** A URL as it may be printed: its password replaced. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
