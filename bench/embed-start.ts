/**
 * `npm run bench -- --set embed [--runs n]`: how long the embedding API takes
 * from `startDynalith()` to the first answered request (ListTables), in this
 * process and in memory, as a test file would start it; the first run
 * counts loading the package (by its name, as a test file imports it) and is
 * reported apart from the median of the rest.
 */
import { parseArgs } from 'node:util';
import { Client } from './lib/client.js';
import { median } from './lib/stats.js';

export async function runEmbedBench(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { runs: { type: 'string' } } });
  const runs = Number(values.runs ?? 20);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const { startDynalith } = (await import('dynalith' as string)) as typeof import('../src/embed/index.js');
    const server = await startDynalith();
    const client = new Client(server.endpoint, 1);
    await client.call('ListTables', {});
    times.push(performance.now() - started);
    await client.close();
    await server.close();
  }
  console.log(`startDynalith() to the first answered request, in process, in memory: first ${times[0]!.toFixed(1)} ms, then median ${median(times.slice(1)).toFixed(1)} ms (max ${Math.max(...times.slice(1)).toFixed(1)} ms) over ${runs - 1} runs`);
}
