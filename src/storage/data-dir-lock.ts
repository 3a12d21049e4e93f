/**
 * One server per data directory. Two processes that each cache the catalog
 * and write the same LMDB environment lose each other's tables, so the second
 * one must refuse to start.
 *
 * The lock is a Unix socket, `dynalith.lock` in the data directory, on which
 * the holder listens. Whether a holder is alive is asked of the kernel: a
 * connection succeeds while the holder's process lives (even stopped or busy)
 * and is refused once it has died, however it died, so a kill -9 leaves
 * nothing that blocks the next start, and no process id is ever trusted (an id
 * can be reused; in containers it can name another process altogether). A
 * socket file works across containers sharing a volume, where pid and network
 * namespaces differ.
 *
 * Taking the lock: listen on a socket of a unique name in the directory, then
 * move it onto `dynalith.lock`. A dead holder's file is replaced (rename is
 * atomic), a live holder's never: the replacement runs under `serialize`, a
 * lock between processes (LMDB's writer lock), and only if the file is still
 * the one found dead (dev, inode and ctime), since a socket that died stays
 * dead. The holder answers each connection with one line of JSON naming its
 * process, which the refusal quotes; a later cooperating group (several
 * processes on one environment) can extend that answer to admit its members.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { closeSync, linkSync, lstatSync, openSync, renameSync, unlinkSync, type BigIntStats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const LOCK_FILE = 'dynalith.lock';

/** Unix socket paths are cut at 107 bytes (silently, by libuv); longer directories are reached through /proc. */
const MAX_SOCKET_PATH = 100;
/** How long a live holder has to say who it is before the refusal does without its process id. */
const HOLDER_ANSWER_MS = 1000;
const ATTEMPTS = 5;

export interface DataDirLock {
  /** Gives the lock up (removes `dynalith.lock` if it is still ours). */
  release(): Promise<void>;
}

/** Thrown when a live process holds the lock. */
export class DataDirInUse extends Error {}

/**
 * Takes the lock on `dir` (an existing directory). `serialize` runs its
 * argument while holding a lock shared by every process that may open the
 * directory, so two processes never replace the same dead holder's file.
 */
export async function lockDataDir(dir: string, serialize: (fn: () => boolean) => boolean): Promise<DataDirLock> {
  const dirFd = openSync(dir, 'r');
  const base = socketBase(dir, dirFd);
  const lockPath = join(dir, LOCK_FILE);
  const socketPath = `${base}/${LOCK_FILE}`;
  const ownName = `.${LOCK_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`;
  let server: Server | undefined;
  try {
    server = await listen(`${base}/${ownName}`);
    const own = join(dir, ownName);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const found = identity(lockPath);
      if (found !== undefined) {
        const holder = await probe(socketPath);
        if (holder !== 'dead') throw inUse(dir, holder);
      }
      const installed = serialize(() => {
        if (!sameFile(identity(lockPath), found)) return false;
        if (found === undefined) {
          if (!linked(own, lockPath)) return false;
          unlinkSync(own);
        } else {
          renameSync(own, lockPath);
        }
        return true;
      });
      if (installed) return held(server, lockPath, identity(lockPath)!, dirFd);
    }
    throw new Error(`cannot lock data directory ${dir}: its lock file ${LOCK_FILE} keeps changing`);
  } catch (error) {
    await closeServer(server);
    closeSync(dirFd);
    throw error;
  }
}

/** The live process holding the lock on `dir`, if any (without taking it). */
export async function lockHolder(dir: string): Promise<DataDirInUse | undefined> {
  if (lstatSync(join(dir, LOCK_FILE), { throwIfNoEntry: false }) === undefined) return undefined;
  const dirFd = openSync(dir, 'r');
  try {
    const holder = await probe(`${socketBase(dir, dirFd)}/${LOCK_FILE}`);
    return holder === 'dead' ? undefined : inUse(dir, holder);
  } finally {
    closeSync(dirFd);
  }
}

/** Where socket addresses in `dir` are spelled from: the directory, or its descriptor when its path is too long. */
function socketBase(dir: string, dirFd: number): string {
  return join(dir, LOCK_FILE).length <= MAX_SOCKET_PATH ? dir : `/proc/self/fd/${dirFd}`;
}

function held(server: Server, lockPath: string, ours: BigIntStats, dirFd: number): DataDirLock {
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        // While we still listen nobody can take the file over, so this check and unlink cannot race.
        if (sameFile(identity(lockPath), ours)) unlinkSync(lockPath);
        await closeServer(server);
        closeSync(dirFd);
      })();
      return released;
    },
  };
}

function inUse(dir: string, holder: { pid?: number }): DataDirInUse {
  const who = holder.pid === undefined ? 'another Dynalith process' : `another Dynalith process (pid ${holder.pid})`;
  return new DataDirInUse(`data directory ${dir} is in use by ${who}; a second server on it would lose data`);
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`${JSON.stringify({ pid: process.pid })}\n`);
    });
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      // The lock must not keep a process alive that has nothing else to do.
      server.unref();
      resolve(server);
    });
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
}

/** Whether a process listens on the lock, and which one if it says so in time. */
function probe(path: string): Promise<'dead' | { pid?: number }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    let text = '';
    let connected = false;
    const answer = () => {
      socket.destroy();
      clearTimeout(timer);
      const line = text.split('\n')[0] ?? '';
      try {
        const { pid } = JSON.parse(line) as { pid?: unknown };
        resolve(typeof pid === 'number' ? { pid } : {});
      } catch {
        resolve({});
      }
    };
    const timer = setTimeout(answer, HOLDER_ANSWER_MS);
    timer.unref();
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) answer();
    });
    socket.on('end', answer);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (connected) answer();
      // Refused: nobody listens (the holder died). Gone: removed since we looked.
      else if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve('dead');
      // A full backlog means someone listens.
      else if (error.code === 'EAGAIN') resolve({});
      else reject(new Error(`cannot check the lock of the data directory (${LOCK_FILE}): ${error.message}`));
    });
  });
}

/** Gives `from` the second name `to`, unless `to` appeared meanwhile (by a process that does not take this lock). */
function linked(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function identity(path: string): BigIntStats | undefined {
  return lstatSync(path, { bigint: true, throwIfNoEntry: false });
}

/** The same file, not merely the same name: rename and link change ctime, and inodes are reused. */
function sameFile(a: BigIntStats | undefined, b: BigIntStats | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.ctimeNs === b.ctimeNs;
}
