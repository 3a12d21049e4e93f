/**
 * An export's data files: its lines gzip'ed into objects of at most
 * MAX_FILE_LINE_BYTES of text each, put into the bucket one by one, each
 * described as manifest-files.json lists it (item count, base64 MD5 of the
 * object, its ETag, which S3 makes the hex MD5 of an object put whole, and its
 * key). Compression runs on zlib's thread pool (the asynchronous stream), so a
 * large export never holds up requests; memory holds at most one file's
 * compressed bytes and the lines of one page.
 *
 * The file names carry this attempt's random part: an export started over
 * after a crash writes new files and lists only those, and the earlier
 * attempt's files are left unlisted, as the manifest alone says which files
 * belong to the export.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import type { ObjectBucket } from '../s3/bucket.js';

/** Text per data file before compression (a file ends with the page that reaches it). */
export const MAX_FILE_LINE_BYTES = 32 * 1024 * 1024;

export interface DataFileEntry {
  readonly itemCount: number;
  readonly md5Checksum: string;
  readonly etag: string;
  readonly dataFileS3Key: string;
}

interface OpenFile {
  readonly gzip: Gzip;
  readonly chunks: Buffer[];
  readonly done: Promise<unknown>;
  lines: number;
  bytes: number;
}

export class DataFiles {
  private readonly attempt = randomBytes(6).toString('hex');
  private readonly written: DataFileEntry[] = [];
  private open: OpenFile | undefined;
  /** Lines written, in every file: the export's item count. */
  lineCount = 0;

  /** `folder`: the key prefix of the files (ends in `data/`); `extension`: `.json.gz` or `.ion.gz`. */
  constructor(
    private readonly bucket: ObjectBucket,
    private readonly folder: string,
    private readonly extension: string,
  ) {}

  /** Adds one page's lines, each without its newline: one write to the compressor per page; a file ends after the page that fills it. */
  async add(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const file = (this.open ??= this.start());
    const text = `${lines.join('\n')}\n`;
    const bytes = Buffer.byteLength(text);
    if (!file.gzip.write(text)) await once(file.gzip, 'drain');
    file.lines += lines.length;
    file.bytes += bytes;
    this.lineCount += lines.length;
    if (file.bytes >= MAX_FILE_LINE_BYTES) await this.finishFile();
  }

  /** Writes the last file (an empty one when there were no lines: DynamoDB writes empty files too) and lists them all. */
  async finish(): Promise<readonly DataFileEntry[]> {
    if (this.open !== undefined || this.written.length === 0) {
      this.open ??= this.start();
      await this.finishFile();
    }
    return this.written;
  }

  private start(): OpenFile {
    const gzip = createGzip();
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { gzip, chunks, done: once(gzip, 'end'), lines: 0, bytes: 0 };
  }

  private async finishFile(): Promise<void> {
    const file = this.open!;
    this.open = undefined;
    file.gzip.end();
    await file.done;
    const body = Buffer.concat(file.chunks);
    const md5 = createHash('md5').update(body).digest();
    const key = `${this.folder}${this.attempt}-${String(this.written.length).padStart(5, '0')}${this.extension}`;
    await this.bucket.put(key, body);
    this.written.push({ itemCount: file.lines, md5Checksum: md5.toString('base64'), etag: md5.toString('hex'), dataFileS3Key: key });
  }
}
