/**
 * The store's secret: 32 random bytes written once, by whichever process
 * starts first, and read by every process and node serving the store, so
 * what one of them signs (a shard iterator) the others can verify. It lives
 * in the store rather than in a process so that it survives restarts and is
 * shared without configuration; whoever can read the store can read it, and
 * could read the data itself anyway.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Storage } from '../storage/storage.js';
import { SERVER_SECRET_KEY } from './keyspace.js';

export const SERVER_SECRET_BYTES = 32;

export async function loadServerSecret(storage: Storage): Promise<Uint8Array> {
  const stored = await storage.get(SERVER_SECRET_KEY);
  if (stored !== undefined && stored.length === SERVER_SECRET_BYTES) return stored;
  // Drawn outside the transaction, which may run again: the first writer's bytes win.
  const fresh = randomBytes(SERVER_SECRET_BYTES);
  return storage.write((tx) => {
    const existing = tx.get(SERVER_SECRET_KEY);
    if (existing !== undefined && existing.length === SERVER_SECRET_BYTES) return existing;
    tx.put(SERVER_SECRET_KEY, fresh);
    return fresh;
  });
}

/**
 * A MAC of `parts` under the secret, for one `purpose`: the purpose is part
 * of what is signed, so a signature made for one use never verifies for another.
 */
export function sign(secret: Uint8Array, purpose: string, parts: readonly string[]): Buffer {
  const hmac = createHmac('sha256', secret);
  hmac.update(purpose);
  // Each part length-prefixed, so no two lists of parts sign the same bytes.
  for (const part of parts) hmac.update(`${part.length}:${part}`);
  return hmac.digest();
}
