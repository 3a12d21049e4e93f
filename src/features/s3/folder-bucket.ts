/**
 * Buckets as folders: bucket `b` is the folder `<root>/b`, object `k/x.json`
 * the file `<root>/b/k/x.json`. The folder must exist, as a bucket must on
 * S3, so a misspelt bucket fails as it would there rather than scattering
 * files. Objects are written to a temporary name and renamed, so a reader (or
 * a crash) never leaves half an object under its name.
 */
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BucketError, inKeyOrder, validBucketName, type Buckets, type ObjectBucket, type ObjectSummary } from './bucket.js';

/** Where temporary files are written: a name no listed key can have. */
const TEMPORARY = '.dynalith-partial-';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** A failed read in S3's terms. */
function readError(error: unknown, key: string): unknown {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return new BucketError('NoSuchKey', `The specified key does not exist: ${key}`);
  if (code === 'EACCES') return new BucketError('AccessDenied', `Access Denied: ${key}`);
  return error;
}

export class FolderBuckets implements Buckets {
  constructor(private readonly root: string) {}

  open(name: string): ObjectBucket {
    return new FolderBucket(this.root, name);
  }
}

class FolderBucket implements ObjectBucket {
  private readonly folder: string;

  constructor(
    root: string,
    readonly name: string,
  ) {
    this.folder = join(root, name);
  }

  async check(): Promise<void> {
    if (!validBucketName(this.name)) throw new BucketError('NoSuchBucket', `The specified bucket is not valid: ${this.name}`);
    try {
      if ((await stat(this.folder)).isDirectory()) return;
    } catch (error) {
      if (errorCode(error) === 'EACCES') throw new BucketError('AccessDenied', `Access Denied: ${this.folder}`);
    }
    throw new BucketError('NoSuchBucket', `The specified bucket does not exist: ${this.name} (the folder ${this.folder})`);
  }

  /** The file of `key`; keys that would leave the bucket's folder are refused. */
  private path(key: string): string {
    const parts = key.split('/');
    if (key === '' || key.includes('\0') || parts.some((part) => part === '..' || part === '.' || part.startsWith(TEMPORARY))) {
      throw new BucketError('InvalidKey', `Object key not supported by a folder bucket: ${key}`);
    }
    return join(this.folder, ...parts.filter((part) => part !== ''));
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const file = this.path(key);
    await this.check();
    const folder = file.slice(0, file.lastIndexOf(sep));
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, `${TEMPORARY}${randomBytes(6).toString('hex')}`);
    await writeFile(temporary, body);
    await rename(temporary, file);
  }

  async get(key: string): Promise<Uint8Array> {
    const file = this.path(key);
    await this.check();
    try {
      return await readFile(file);
    } catch (error) {
      throw readError(error, key);
    }
  }

  async *stream(key: string): AsyncGenerator<Uint8Array> {
    const file = this.path(key);
    await this.check();
    try {
      for await (const chunk of createReadStream(file)) yield chunk as Buffer;
    } catch (error) {
      throw readError(error, key);
    }
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    await this.check();
    const found: ObjectSummary[] = [];
    const walk = async (folder: string, keyPrefix: string): Promise<void> => {
      // Only folders that can hold keys with the prefix are entered.
      if (!(keyPrefix.startsWith(prefix) || prefix.startsWith(keyPrefix))) return;
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (entry.name.startsWith(TEMPORARY)) continue;
        const key = `${keyPrefix}${entry.name}`;
        if (entry.isDirectory()) await walk(join(folder, entry.name), `${key}/`);
        else if (entry.isFile() && key.startsWith(prefix)) found.push({ key, size: (await stat(join(folder, entry.name))).size });
      }
    };
    await walk(this.folder, '');
    return inKeyOrder(found);
  }
}
