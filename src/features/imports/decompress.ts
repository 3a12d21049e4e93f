/**
 * An object's bytes decompressed as InputCompressionType says, chunk by
 * chunk as they are read. GZIP goes through zlib's asynchronous stream (on
 * Node's thread pool, so a large object never holds up requests); ZSTD
 * through fzstd, pure JavaScript (Node 20's zlib has no Zstandard), a read
 * chunk (64 KB) at a time, so each step stays short.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decompress } from 'fzstd';
import type { InputCompressionType } from './import-store.js';
import { MalformedRecord } from './object-records.js';

async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflate = createGunzip();
  // pipeline destroys the gunzip stream with the source's or its own error, which the loop below then throws.
  const piped = pipeline(Readable.from(source), inflate).catch(() => undefined);
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new MalformedRecord(`the object is not gzip: ${(error as Error).message}`);
    throw error;
  } finally {
    inflate.destroy();
    await piped;
  }
}

async function* unzstd(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const decompress = new Decompress((chunk) => out.push(chunk));
  const step = (chunk: Uint8Array, final: boolean): Uint8Array[] => {
    try {
      decompress.push(chunk, final);
    } catch (error) {
      throw new MalformedRecord(`the object is not Zstandard: ${(error as Error).message}`);
    }
    const ready = out;
    out = [];
    return ready;
  };
  for await (const chunk of source) yield* step(chunk, false);
  yield* step(new Uint8Array(0), true);
}

export function decompressed(source: AsyncIterable<Uint8Array>, compression: InputCompressionType): AsyncIterable<Uint8Array> {
  if (compression === 'GZIP') return gunzip(source);
  if (compression === 'ZSTD') return unzstd(source);
  return source;
}
