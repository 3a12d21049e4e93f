import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createLogger } from '../../src/logger.js';

const LOGGER = new URL('../../src/logger.js', import.meta.url).href;

/** Runs `body` in a fresh process (pino writes to fd 2 asynchronously), returning its stderr lines. */
function stderrOf(body: string): string[] {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)};\n${body}`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr.split('\n').filter((line) => line !== '');
}

test('messages at or above the level are written to stderr as JSON lines; lower ones are not', () => {
  const lines = stderrOf(`
    const logger = createLogger('warn');
    logger.debug({ n: 1 }, 'too low');
    logger.error({ n: 2 }, 'request failed unexpectedly');
    logger.warn({ n: 3 }, 'careful');
  `);
  const records = lines.map((line) => JSON.parse(line) as { level: number; msg: string; n: number });
  assert.deepEqual(
    records.map(({ level, msg, n }) => ({ level, msg, n })),
    [
      { level: 50, msg: 'request failed unexpectedly', n: 2 },
      { level: 40, msg: 'careful', n: 3 },
    ],
  );
});

test('a silent logger writes nothing and never loads pino', () => {
  const lines = stderrOf(`
    import { createRequire } from 'node:module';
    const logger = createLogger('silent');
    logger.fatal({}, 'not shown');
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/pino/'));
    process.stderr.write(loaded ? 'pino loaded' : 'pino not loaded');
  `);
  assert.deepEqual(lines, ['pino not loaded']);
});

test('an unknown level is refused', () => {
  assert.throws(() => createLogger('loud'), { message: "unknown log level 'loud'" });
});
