/**
 * dynalite (in memory, tables ACTIVE at once) in a process of its own, so its
 * CPU time and memory can be read from /proc. Usage: node dist/bench/servers/dynalite.js <port>
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Listener {
  listen(port: number, host: string, ready: (error?: Error) => void): void;
}

const benchDir = fileURLToPath(new URL('../../../bench/', import.meta.url));
const dynalite = createRequire(benchDir)('dynalite') as (options: object) => Listener;
dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }).listen(Number(process.argv[2]), '127.0.0.1', (error) => {
  if (error) throw error;
});
