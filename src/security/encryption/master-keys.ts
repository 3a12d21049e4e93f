/**
 * The master keys, read from the key file that stands in for AWS KMS
 * (`--kms-key-file`):
 *
 * ```json
 * { "keys": [ { "id": "1234abcd-...", "arn": "arn:aws:kms:...:key/1234abcd-...",
 *               "aliases": ["alias/aws/dynamodb"], "material": "<32 bytes, base64>",
 *               "previous": ["<older material, base64>"], "enabled": true } ] }
 * ```
 *
 * A table names its key by ARN (SSEDescription.KMSMasterKeyArn); a key
 * answers to its ARN, to any ARN ending in `:key/<id>`, and to any ARN ending
 * in `:<alias>`. Rotating a key means putting new material in the file and
 * the old one under `previous`: data keys wrapped under the old one still
 * unwrap, and are re-wrapped under the new one (rewrap.ts). The file is read
 * again when it changes; a key that is absent or `"enabled": false` makes its
 * tables inaccessible until it is back.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { DATA_KEY_BYTES, fingerprint } from './value-cipher.js';

export interface MasterKey {
  readonly id: string;
  readonly arn?: string;
  readonly aliases: readonly string[];
  readonly enabled: boolean;
  readonly material: Uint8Array;
  /** Fingerprint → material, current and previous. */
  readonly materials: ReadonlyMap<string, Uint8Array>;
}

export class KeyFileError extends Error {}

function material(text: unknown, where: string): Uint8Array {
  if (typeof text !== 'string') throw new KeyFileError(`${where}: material must be base64 text`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== DATA_KEY_BYTES) throw new KeyFileError(`${where}: material must be ${DATA_KEY_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

export function parseKeyFile(text: string): MasterKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KeyFileError(`not JSON: ${(error as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new KeyFileError('expected {"keys": [...]}');
  return keys.map((entry: Record<string, unknown>, i) => {
    const where = `keys[${i}]`;
    if (typeof entry.id !== 'string' || entry.id === '') throw new KeyFileError(`${where}: id must be a non-empty string`);
    const current = material(entry.material, where);
    const previous = Array.isArray(entry.previous) ? entry.previous.map((text, j) => material(text, `${where}.previous[${j}]`)) : [];
    const materials = new Map([current, ...previous].map((bytes) => [fingerprint(bytes), bytes] as const));
    return {
      id: entry.id,
      ...(typeof entry.arn === 'string' ? { arn: entry.arn } : {}),
      aliases: Array.isArray(entry.aliases) ? entry.aliases.filter((a): a is string => typeof a === 'string') : [],
      enabled: entry.enabled !== false,
      material: current,
      materials,
    };
  });
}

function answersTo(key: MasterKey, arn: string): boolean {
  return key.arn === arn || key.id === arn || arn.endsWith(`:key/${key.id}`) || key.aliases.some((alias) => arn.endsWith(`:${alias}`) || arn === alias);
}

export class MasterKeys {
  private keys: readonly MasterKey[];
  private readonly listeners = new Set<() => void>();

  constructor(keys: readonly MasterKey[], private readonly path?: string, private readonly onReloadError?: (error: Error) => void) {
    this.keys = keys;
  }

  static fromFile(path: string, onReloadError?: (error: Error) => void): MasterKeys {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new KeyFileError(`cannot read ${path}: ${(error as Error).message}`);
    }
    return new MasterKeys(parseKeyFile(text), path, onReloadError);
  }

  /** The key a table's ARN names, enabled or not; undefined when the file has none. */
  find(arn: string): MasterKey | undefined {
    return this.keys.find((key) => answersTo(key, arn));
  }

  /** The key, when it is there and enabled: what the table's data needs. */
  usable(arn: string): MasterKey | undefined {
    const key = this.find(arn);
    return key?.enabled ? key : undefined;
  }

  /** Re-reads the file whenever it changes (a file that fails to parse keeps the keys read before). */
  watch(intervalMs = 500): void {
    if (this.path === undefined) return;
    watchFile(this.path, { interval: intervalMs, persistent: false }, () => this.reload());
  }

  reload(): void {
    if (this.path === undefined) return;
    try {
      this.replace(parseKeyFile(readFileSync(this.path, 'utf8')));
    } catch (error) {
      this.onReloadError?.(error as Error);
    }
  }

  replace(keys: readonly MasterKey[]): void {
    this.keys = keys;
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  stop(): void {
    if (this.path !== undefined) unwatchFile(this.path);
    this.listeners.clear();
  }
}
