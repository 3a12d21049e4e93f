/** Dynalith as a child process, for what only a real process shows: flags, signals, crashes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/dynalith.js', import.meta.url));

export interface ChildServer {
  readonly process: ChildProcess;
  readonly endpoint: string;
  /** ms from spawn to the "listening" line. */
  readonly readyAfterMs: number;
  output(): string;
  exited(): Promise<number | null>;
}

/** Starts `dynalith` with `args` (and Node with `nodeFlags`) and waits for the line that names its endpoint. */
export function startChild(args: readonly string[], env: NodeJS.ProcessEnv = {}, nodeFlags: readonly string[] = []): Promise<ChildServer> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more: Buffer) => (out += more.toString()));
        resolve({
          process: child,
          endpoint: match[1]!,
          readyAfterMs: performance.now() - started,
          output: () => out,
          exited: () => exit,
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    exit.then((code) => reject(new Error(`dynalith exited with ${code} before listening: ${out}`)));
  });
}

/** Kills the server with SIGKILL (a crash) and starts it again with `args`. */
export async function killAndRestart(server: ChildServer, args: readonly string[]): Promise<ChildServer> {
  server.process.kill('SIGKILL');
  await server.exited();
  return startChild(args);
}

/** Runs `dynalith` to completion (for --help, bad flags, ...). */
export function runChild(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * Ports free now, for servers that must know each other's address before
 * they start (global tables' peers); each is taken by listening and given
 * back at once, so another process could take it meanwhile, which a test
 * then reports as a failed start.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
