/**
 * Appends audit lines to a file without ever making a request wait: lines
 * go to a bounded in-memory queue that one asynchronous loop writes out. When
 * the disk cannot keep up (or the file cannot be written at all), lines past
 * the bound are dropped and counted, and a warning says how many.
 *
 * Several processes (--workers) append to one file: it is opened with
 * O_APPEND and each write() holds whole lines only, so lines never
 * interleave. Rotation by size is done by whichever process first sees the
 * file over the limit and takes `FILE.lock` (created with O_EXCL); the others
 * notice that the path now names another file and reopen it. Lines a process
 * writes between the rename and its reopening land, whole, in `FILE.1`.
 */
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';

export interface RotationOptions {
  readonly path: string;
  /** Rotate once the file would grow past this many bytes (0: never). */
  readonly maxBytes: number;
  /** How many rotated files (FILE.1 ... FILE.n) are kept. */
  readonly files: number;
}

/** Enough for a few seconds of a busy server's records; a bound, so a stalled disk never grows memory. */
const DEFAULT_QUEUE_BYTES = 8 * 1024 * 1024;

/** At most this much goes to one write(): whole lines, so each write is whole lines. */
const BATCH_BYTES = 256 * 1024;

/** A lock older than this was left by a process that died while rotating. */
const STALE_LOCK_MS = 30_000;

/** Where lines go; the file's, or a test's. */
export interface LineSink {
  append(text: string): Promise<void>;
  close(): Promise<void>;
}

export class AuditWriter {
  private readonly queue: string[] = [];
  private queuedBytes = 0;
  private draining: Promise<void> | undefined;
  /** Lines dropped since the last warning about them. */
  private droppedSinceWarning = 0;
  private totalDropped = 0;
  private readonly limit: number;

  constructor(
    private readonly sink: LineSink,
    private readonly onWarning: (message: string, error?: unknown) => void,
    queueBytes = DEFAULT_QUEUE_BYTES,
  ) {
    this.limit = queueBytes;
  }

  /** Lines dropped so far because the queue was full or the file could not be written. */
  get dropped(): number {
    return this.totalDropped;
  }

  /** Queues one line (without its newline); never waits. */
  write(line: string): void {
    const text = `${line}\n`;
    if (this.queuedBytes + text.length > this.limit) return this.drop(1);
    this.queue.push(text);
    this.queuedBytes += text.length;
    this.draining ??= this.drain();
  }

  /** Writes what is queued (waiting at most `timeoutMs` for a stalled disk), then closes the file. */
  async close(timeoutMs: number): Promise<void> {
    if (this.draining !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.draining, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    if (this.queue.length > 0) this.drop(this.queue.splice(0).length);
    this.reportDrops();
    await this.sink.close().catch((error: unknown) => this.onWarning('audit log: closing the file failed', error));
  }

  private drop(lines: number): void {
    if (this.droppedSinceWarning === 0) this.onWarning('audit log: the file cannot keep up or be written; records are being dropped');
    this.droppedSinceWarning += lines;
    this.totalDropped += lines;
  }

  private reportDrops(): void {
    if (this.droppedSinceWarning === 0) return;
    this.onWarning(`audit log: ${this.droppedSinceWarning} records dropped`);
    this.droppedSinceWarning = 0;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let batch = '';
      let lines = 0;
      while (lines < this.queue.length && (lines === 0 || batch.length + this.queue[lines]!.length <= BATCH_BYTES)) batch += this.queue[lines++];
      try {
        await this.sink.append(batch);
        this.queue.splice(0, lines);
        this.queuedBytes -= batch.length;
        this.reportDrops();
      } catch (error) {
        this.queue.splice(0, lines);
        this.queuedBytes -= batch.length;
        if (this.droppedSinceWarning === 0) this.onWarning('audit log: writing failed', error);
        this.drop(lines);
      }
    }
    this.draining = undefined;
  }
}

/** The audit log file, opened for appending, rotated by size under a lock file. */
export class RotatingFile implements LineSink {
  private handle: FileHandle | undefined;

  constructor(private readonly options: RotationOptions) {}

  async append(text: string): Promise<void> {
    const bytes = Buffer.from(text);
    let at = 0;
    while (at < bytes.length) {
      const firstLine = bytes.indexOf(0x0a, at) + 1 - at;
      const { handle, size } = await this.current(firstLine);
      // As many whole lines as the file has room for (at least one), so a rotated file never passes the limit but by a line longer than it.
      const { maxBytes } = this.options;
      let end = at + firstLine;
      while (maxBytes > 0 && end < bytes.length) {
        const next = bytes.indexOf(0x0a, end) + 1;
        if (size + next - at > maxBytes) break;
        end = next;
      }
      if (maxBytes === 0) end = bytes.length;
      // A regular file's write() writes all of it but on a full disk; what is left then goes in the next write.
      while (at < end) at += (await handle.write(bytes, at, end - at)).bytesWritten;
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  /** The file to write `adding` bytes to: reopened if another process rotated it, rotated first if it is full. */
  private async current(adding: number): Promise<{ handle: FileHandle; size: number }> {
    const { path, maxBytes } = this.options;
    if (this.handle !== undefined) {
      const [mine, named] = await Promise.all([this.handle.stat(), stat(path).catch(() => undefined)]);
      if (named === undefined || named.ino !== mine.ino || named.dev !== mine.dev) await this.close();
      else if (maxBytes > 0 && mine.size > 0 && mine.size + adding > maxBytes) {
        await this.rotate(adding);
        await this.close();
      } else return { handle: this.handle, size: mine.size };
    }
    // 'a': O_APPEND, so each write lands at the end whoever else appends.
    const handle = await open(path, 'a', 0o640);
    this.handle = handle;
    return { handle, size: (await handle.stat()).size };
  }

  /** FILE.n-1 → FILE.n ... FILE → FILE.1, by one process at a time; the others find the new file at their next write. */
  private async rotate(adding: number): Promise<void> {
    const { path, maxBytes, files } = this.options;
    const lock = `${path}.lock`;
    let held: FileHandle;
    try {
      held = await open(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
      return;
    }
    try {
      // Another process may have rotated between our look and our lock.
      const size = await stat(path).then((info) => info.size, () => 0);
      if (size + adding <= maxBytes) return;
      if (files === 0) return await unlink(path);
      for (let n = files - 1; n >= 1; n--) await rename(`${path}.${n}`, `${path}.${n + 1}`).catch(ignoreMissing);
      await rename(path, `${path}.1`);
    } finally {
      await held.close();
      await unlink(lock).catch(() => undefined);
    }
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
