/** Structured logs (pino) to stderr, so stdout stays for what the CLI prints. */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: false }));
}
