/**
 * The credentials file as the server uses it: read at start-up (a file that
 * cannot be read or parsed refuses the start), then read again when it
 * changes, so keys can be added, rotated and revoked without a restart.
 *
 * A change is noticed by the file's identity (inode, size, mtime) looked at
 * no more than once per CHECK_INTERVAL_MS, from the request that needs a key:
 * one stat() per interval, whatever the request rate, and nothing to stop at
 * shutdown (fs.watch misses editors that replace the file, and needs closing).
 * A changed file that does not parse keeps the last good credentials and
 * logs an error, so a half-saved edit does not lock every client out.
 */
import { readFileSync, statSync } from 'node:fs';
import { CredentialsFileError, parseCredentials, type CredentialTable, type StoredCredential } from './credentials-file.js';
import type { Logger } from '../logger.js';

const CHECK_INTERVAL_MS = 250;

export class CredentialStore {
  private table: CredentialTable;
  private seen: string;
  private checkedAt: number;

  /** Reads `path`; throws an Error whose message says what is wrong with it. */
  constructor(
    private readonly path: string,
    private readonly account: string,
    private readonly logger: Logger,
  ) {
    this.table = this.read();
    this.seen = this.identity();
    this.checkedAt = Date.now();
  }

  /** The credential of an access key, as the file says now. */
  find(accessKeyId: string): StoredCredential | undefined {
    this.refreshIfChanged();
    return this.table.get(accessKeyId);
  }

  private refreshIfChanged(): void {
    const now = Date.now();
    if (now - this.checkedAt < CHECK_INTERVAL_MS) return;
    this.checkedAt = now;
    let identity: string;
    try {
      identity = this.identity();
    } catch (error) {
      this.logger.error({ err: error }, `credentials file ${this.path} is unreadable: keeping the credentials last read`);
      return;
    }
    if (identity === this.seen) return;
    this.seen = identity;
    try {
      this.table = this.read();
      this.logger.info({ keys: this.table.size }, `credentials file ${this.path} read again`);
    } catch (error) {
      this.logger.error({ err: error }, `${(error as Error).message}: keeping the credentials last read`);
    }
  }

  private identity(): string {
    const stat = statSync(this.path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  }

  private read(): CredentialTable {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read credentials file ${this.path}: ${(error as Error).message}`);
    }
    try {
      return parseCredentials(text, this.account);
    } catch (error) {
      if (error instanceof CredentialsFileError) throw new Error(`credentials file ${this.path}: ${error.message}`);
      throw error;
    }
  }
}
