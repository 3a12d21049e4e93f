/**
 * What the operators' commands (`dynalith backup|restore|export|import`)
 * share: the connection flags, parsing with usage errors, waiting for a
 * status, and the exit codes: 0 done, 1 the server refused or the work
 * failed (`dynalith <command>: <Type>: <message>`), 2 bad command line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../usage-error.js';
import { ApiError, DynamoApi, type ApiSettings } from '../protocol/json-api-client.js';
import { Progress, type OutputStream } from './progress.js';

export const CONNECTION_HELP = `Connection (each also settable as an environment variable, e.g. DYNALITH_ENDPOINT):
  --endpoint <url>              the server (default http://127.0.0.1:8000)
  --region <region>             the region whose tables are meant (default: AWS_REGION,
                                AWS_DEFAULT_REGION, or us-east-1)
  --access-key-id <id>          credentials the requests are signed with (default:
  --secret-access-key <key>     AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
                                or the local pair dynalith-local/dynalith-local)
  --help                        show this help
`;

export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'access-key-id': { type: 'string' },
  'secret-access-key': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Where exports write and imports read: a bucket of the server's (--s3-dir or --s3-endpoint) and a key prefix. */
export const BUCKET_OPTIONS = {
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  format: { type: 'string' },
} as const;

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8000';
/** Credentials for a local server when none are configured, as DynamoDB Local's users sign with any pair. */
const LOCAL_CREDENTIALS = { accessKeyId: 'dynalith-local', secretAccessKey: 'dynalith-local' };

type ConnectionValues = { readonly [flag in keyof typeof CONNECTION_OPTIONS]?: string | boolean | undefined };

function flagOrEnv(values: ConnectionValues, flag: Exclude<keyof typeof CONNECTION_OPTIONS, 'help'>, env: NodeJS.ProcessEnv): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : env[`DYNALITH_${flag.toUpperCase().replace(/-/g, '_')}`];
}

export function connectionSettings(values: ConnectionValues, env: NodeJS.ProcessEnv): ApiSettings {
  const endpoint = flagOrEnv(values, 'endpoint', env) ?? DEFAULT_ENDPOINT;
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) throw new UsageError(`--endpoint must be an http:// or https:// URL, got '${endpoint}'`);
  const region = flagOrEnv(values, 'region', env) ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1');
  if (!/^[a-z0-9-]+$/.test(region)) throw new UsageError(`--region must be a region name such as us-east-1, got '${region}'`);
  const accessKeyId = flagOrEnv(values, 'access-key-id', env);
  const secretAccessKey = flagOrEnv(values, 'secret-access-key', env);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new UsageError('--access-key-id and --secret-access-key go together: give both or neither');
  if (accessKeyId !== undefined && secretAccessKey !== undefined) return { endpoint, region, credentials: { accessKeyId, secretAccessKey } };
  const { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: sessionToken } = env;
  if (keyId && secret) return { endpoint, region, credentials: { accessKeyId: keyId, secretAccessKey: secret, ...(sessionToken ? { sessionToken } : {}) } };
  return { endpoint, region, credentials: LOCAL_CREDENTIALS };
}

/** parseArgs, its complaints as UsageErrors. */
export function parseCommandLine<Options extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: Options) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

/** One of `allowed`, or a UsageError naming them. */
export function oneOf<Value extends string>(flag: string, text: string, allowed: readonly Value[]): Value {
  const found = allowed.find((value) => value === text.toUpperCase());
  if (found === undefined) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${text}'`);
  return found;
}

/** A moment given as ISO-8601 or as seconds since the epoch: the API's timestamp (epoch seconds). */
export function epochSeconds(flag: string, text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be an ISO-8601 time (2024-05-01T12:00:00Z) or seconds since 1970, got '${text}'`);
  return ms / 1000;
}

export function exactlyOnePositional(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `name the ${what}` : `unexpected argument '${positionals[1]}'`);
  return positionals[0]!;
}

export interface Terminal {
  readonly api: DynamoApi;
  readonly out: OutputStream;
  progress(label: string): Progress;
  /** Prints a line (a result) on standard output. */
  print(line: string): void;
}

export interface OperatorCommand<Plan extends { readonly connection: ApiSettings }> {
  readonly name: string;
  readonly help: string;
  /** The command line as what to do, 'help' for --help; bad input throws UsageError. */
  parse(argv: readonly string[], env: NodeJS.ProcessEnv): Plan | 'help';
  execute(plan: Plan, terminal: Terminal): Promise<void>;
}

/** Waits `ms` between polls: short at first (a small table is done at once), then up to 2 s. */
export async function pollUntil<State>(read: () => Promise<State>, finished: (state: State) => boolean, show: (state: State) => void): Promise<State> {
  for (let wait = 100; ; wait = Math.min(2000, Math.round(wait * 1.5))) {
    const state = await read();
    show(state);
    if (finished(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Runs `command` with `argv` and exits: 0 done, 1 refused or failed, 2 usage. */
export async function runOperatorCommand<Plan extends { readonly connection: ApiSettings }>(
  command: OperatorCommand<Plan>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<never> {
  let plan: Plan | 'help';
  try {
    plan = command.parse(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dynalith ${command.name}: ${error.message} (see dynalith ${command.name} --help)\n`);
    process.exit(2);
  }
  if (plan === 'help') {
    process.stdout.write(command.help);
    process.exit(0);
  }
  const out = process.stdout;
  const terminal: Terminal = {
    api: new DynamoApi(plan.connection),
    out,
    progress: (label) => new Progress(out, label),
    print: (line) => out.write(`${line}\n`),
  };
  try {
    await command.execute(plan, terminal);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (out.isTTY) out.write('\n');
    process.stderr.write(`dynalith ${command.name}: ${error.type}: ${error.message}\n`);
    process.exit(1);
  }
  process.exit(0);
}
