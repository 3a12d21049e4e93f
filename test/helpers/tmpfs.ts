/** A small tmpfs for tests of a full disk: mounted by the test itself (root with CAP_SYS_ADMIN), or a reason to skip. */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  readonly path: string;
  /** Takes all the free space but `leaveBytes` with a filler file. */
  fill(leaveBytes: number): void;
  /** Removes the filler file. */
  free(): void;
  unmount(): void;
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
  const filler = join(path, 'filler');
  return {
    path,
    fill(leaveBytes) {
      const { bavail, bsize } = statfsSync(path);
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(bsize, 0xff);
      try {
        for (let left = bavail * bsize - leaveBytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, left));
      } finally {
        closeSync(fd);
      }
    },
    free() {
      unlinkSync(filler);
    },
    unmount() {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
