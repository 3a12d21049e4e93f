/**
 * A small tmpfs for tests of a full disk: mounted by the test itself (root with CAP_SYS_ADMIN), or a reason to skip.
 * The disk is filled by shrinking the mount to what is used plus a little (a remount), not by writing a filler
 * file: as quick for a large mount as for a small one, and it takes no memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  readonly path: string;
  /** Leaves only about `leaveBytes` free (whole pages). */
  fill(leaveBytes: number): void;
  /** Gives the mount its whole size again. */
  free(): void;
  unmount(): void;
}

function remount(path: string, bytes: number): void {
  execFileSync('mount', ['-o', `remount,size=${bytes}`, path], { stdio: 'pipe' });
}

/** Mounts a tmpfs of `bytes`, or answers why it cannot be done here. */
export function mountTmpfs(bytes: number): Tmpfs | string {
  const path = mkdtempSync(join(tmpdir(), 'dynalith-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return `cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): ${stderr || (error as Error).message}`;
  }
  return {
    path,
    fill(leaveBytes) {
      // The store may grow between the reading and the remount, which then refuses a size below what is used: read again.
      for (let attempt = 0; ; attempt++) {
        const { blocks, bfree, bsize } = statfsSync(path);
        try {
          return remount(path, (blocks - bfree) * bsize + Math.max(bsize, Math.ceil(leaveBytes / bsize) * bsize));
        } catch (error) {
          if (attempt === 10) throw error;
        }
      }
    },
    free() {
      remount(path, bytes);
    },
    unmount() {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
