/**
 * Structured logs (pino) to stderr, so stdout stays for what the CLI prints.
 *
 * pino is loaded with the first message at an enabled level, not at start-up:
 * a server that logs nothing, the usual case, never pays the ~15-20 ms its
 * modules take to load (measured on the 2-core dev VM, Node 20).
 */
import { createRequire } from 'node:module';
import type { Logger as PinoLogger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export type LogMethod = (fields: object, message?: string) => void;

export type Logger = Readonly<Record<Level, LogMethod>>;

const SEVERITY: Readonly<Record<Level | 'silent', number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

export function createLogger(level: string): Logger {
  if (!Object.hasOwn(SEVERITY, level)) throw new Error(`unknown log level '${level}'`);
  const threshold = SEVERITY[level as Level];
  let target: PinoLogger | undefined;
  const method =
    (name: Level): LogMethod =>
    (fields, message) => {
      if (SEVERITY[name] < threshold) return;
      target ??= loadPino(level);
      target[name](fields, message);
    };
  return {
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
  };
}

function loadPino(level: string): PinoLogger {
  // pino is CommonJS: require loads it synchronously, so no message waits for it.
  const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: false }));
}
