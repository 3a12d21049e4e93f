// A throwaway PostgreSQL server for the tests and benchmarks: Debian's
// `postgresql` package (installed with apt-get when missing and this runs as
// root), `initdb` into a temporary folder, started with `pg_ctl` on a free
// port of 127.0.0.1, removed again by stop(). Nothing is assumed running.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBin(name) {
  const fromPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (fromPath) return fromPath;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const path = join(root, version, 'bin', name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** initdb and pg_ctl, installing Debian's package first if they are missing. */
export function postgresBinaries() {
  let initdb = findBin('initdb');
  if (initdb === undefined && process.getuid?.() === 0 && findBin('apt-get') !== undefined) {
    process.stderr.write('PostgreSQL is not installed: installing Debian\'s postgresql package for the tests\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env });
    initdb = findBin('initdb');
  }
  if (initdb === undefined) throw new Error('PostgreSQL (initdb) is not installed: apt-get install postgresql');
  return { initdb, pgCtl: join(initdb, '..', 'pg_ctl') };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * PostgreSQL refuses to run as root: as root the cluster belongs to the
 * `postgres` user the package creates, and its commands run as that user.
 */
function runAs(user, command, args) {
  const [file, argv] = user === undefined ? [command, args] : ['runuser', ['-u', user, '--', command, ...args]];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/**
 * Starts a server; resolves to its URL (user `dynalith`, database `postgres`),
 * its postmaster's pid and a stop() that removes it. The tests' server skips
 * fsync (its data is thrown away); `durable` keeps PostgreSQL's defaults, for
 * benchmarks whose writes must be as durable as LMDB's.
 */
export async function startPostgres({ durable = false } = {}) {
  const { initdb, pgCtl } = postgresBinaries();
  const user = process.getuid?.() === 0 ? 'postgres' : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dynalith-pg-'));
  if (user !== undefined) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  runAs(user, initdb, ['-D', data, '-U', 'dynalith', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  // The sockets go into the folder, not /var/run.
  const throwaway = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=400${throwaway}`;
  runAs(user, pgCtl, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', settings, 'start']);
  let stopped = false;
  return {
    url: `postgres://dynalith@127.0.0.1:${port}/postgres`,
    pid: Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAs(user, pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
