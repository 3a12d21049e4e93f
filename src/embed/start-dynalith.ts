/**
 * Dynalith for test runners: `startDynalith()` starts a server on a free
 * port of 127.0.0.1, in memory unless told otherwise, in this process (the
 * fastest) or as a child process (`childProcess: true`, for a runner whose
 * workers should not share the server's event loop), and answers with what
 * a client needs. Each server started in memory is a database of its own,
 * so a test file that starts its own is isolated from every other.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server/dynalith.js';

export interface DynalithOptions {
  /** Port to listen on; 0 (the default) takes a free one. */
  readonly port?: number;
  /** Keep data in this directory (LMDB) instead of in memory. */
  readonly dataDir?: string;
  /** The region clients should use; any region works, each is a namespace of its own. */
  readonly region?: string;
  /** Run the server as a child process (`dynalith` itself) instead of in this process. */
  readonly childProcess?: boolean;
  /** Log level: silent (the default), error, warn, info, debug. */
  readonly logLevel?: string;
  /** Any other of the server's settings (in-process only): the names are `Config`'s, as the command's flags map to them. */
  readonly config?: Partial<Config>;
}

export interface RunningDynalith {
  /** e.g. http://127.0.0.1:49152 */
  readonly endpoint: string;
  readonly region: string;
  /** Credentials any client may use (the server does not check them unless configured to). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Stops the server; in memory, its data goes with it. */
  close(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'dynalith', secretAccessKey: 'dynalith' } as const;
const BIN = fileURLToPath(new URL('../../../bin/dynalith.js', import.meta.url));

export async function startDynalith(options: DynalithOptions = {}): Promise<RunningDynalith> {
  const region = options.region ?? DEFAULT_CONFIG.defaultRegion;
  const port = options.port ?? 0;
  const logLevel = options.logLevel ?? 'silent';
  if (options.childProcess === true) return startChild(port, region, logLevel, options.dataDir);
  const config: Config = {
    ...DEFAULT_CONFIG,
    ...options.config,
    host: '127.0.0.1',
    port,
    logLevel,
    ...(options.dataDir === undefined ? { inMemory: true } : { inMemory: false, dataDir: options.dataDir }),
  };
  const server = await startServer(config, createLogger(logLevel));
  return { endpoint: server.endpoint, region, credentials: CREDENTIALS, close: () => server.close({ cutOff: true }) };
}

/** `dynalith` as a child process, up once it prints the line naming its endpoint. */
function startChild(port: number, region: string, logLevel: string, dataDir: string | undefined): Promise<RunningDynalith> {
  const args = [BIN, '--port', String(port), '--log-level', logLevel, ...(dataDir === undefined ? ['--in-memory'] : ['--data-dir', dataDir])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (https?:\/\/\S+)/.exec(output);
      if (listening === null) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        endpoint: listening[1]!,
        region,
        credentials: CREDENTIALS,
        async close() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`dynalith exited with ${code} before listening: ${output.trim()}`)));
  });
}
