/**
 * The two ciphers of encryption at rest, both AES-256-GCM from node:crypto
 * (synchronous, so storage callbacks stay synchronous):
 *
 * - a sealed value: `0xE5 | u32 data-key owner | IV (12) | ciphertext | tag (16)`,
 *   with the storage key as additional data, so a value moved under another
 *   key fails to open. 0xE5 never begins a plain value of the kinds encrypted
 *   (items, index entries and backup items start with a big-endian size below
 *   2^24, so 0x00; change-log records are JSON, so `{`), which is how values
 *   written before a table was encrypted stay readable.
 * - a wrapped data key: `fingerprint (8) | IV (12) | ciphertext (32) | tag (16)`,
 *   the fingerprint naming which material of the master key wrapped it (the
 *   current one or one kept as previous after a rotation).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const SEALED = 0xe5;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + 4 + IV_BYTES;
export const DATA_KEY_BYTES = 32;
const FINGERPRINT_BYTES = 8;

export function isSealed(value: Uint8Array): boolean {
  return value.length >= HEADER_BYTES + TAG_BYTES && value[0] === SEALED;
}

/** The table whose data key sealed a value. */
export function sealedOwner(value: Uint8Array): number {
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(1);
}

/**
 * IVs are drawn from the CSPRNG in batches: a call of randomBytes costs
 * about 2 µs, a quarter of sealing a small item. They are as random either
 * way, and an IV need not be secret, only never repeated under one key.
 */
let ivs = Buffer.alloc(0);
let ivAt = 0;

function nextIv(): Buffer {
  if (ivAt + IV_BYTES > ivs.length) {
    ivs = randomBytes(IV_BYTES * 256);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivs.subarray(ivAt - IV_BYTES, ivAt);
}

export function seal(dataKey: Uint8Array, owner: number, storageKey: Uint8Array, plain: Uint8Array): Uint8Array {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(storageKey);
  const body = cipher.update(plain);
  const last = cipher.final();
  const out = new Uint8Array(HEADER_BYTES + body.length + last.length + TAG_BYTES);
  out[0] = SEALED;
  new DataView(out.buffer).setUint32(1, owner);
  out.set(iv, 5);
  out.set(body, HEADER_BYTES);
  out.set(last, HEADER_BYTES + body.length);
  out.set(cipher.getAuthTag(), out.length - TAG_BYTES);
  return out;
}

/** The plain value, or a thrown error when the value was altered, moved or sealed under another key. */
export function open(dataKey: Uint8Array, storageKey: Uint8Array, sealed: Uint8Array): Uint8Array {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(5, HEADER_BYTES));
  decipher.setAAD(storageKey);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES));
  const last = decipher.final();
  return last.length === 0 ? new Uint8Array(body.buffer, body.byteOffset, body.length) : Buffer.concat([body, last]);
}

export function newDataKey(): Uint8Array {
  return randomBytes(DATA_KEY_BYTES);
}

export function fingerprint(material: Uint8Array): string {
  return createHash('sha256').update(material).digest().subarray(0, FINGERPRINT_BYTES).toString('hex');
}

export function wrap(material: Uint8Array, dataKey: Uint8Array): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([Buffer.from(fingerprint(material), 'hex'), iv, body, cipher.getAuthTag()]);
}

export function wrappedFingerprint(wrapped: Uint8Array): string {
  return Buffer.from(wrapped.subarray(0, FINGERPRINT_BYTES)).toString('hex');
}

export function unwrap(material: Uint8Array, wrapped: Uint8Array): Uint8Array {
  const iv = wrapped.subarray(FINGERPRINT_BYTES, FINGERPRINT_BYTES + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', material, iv);
  decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
  return Buffer.concat([decipher.update(wrapped.subarray(FINGERPRINT_BYTES + IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
}
