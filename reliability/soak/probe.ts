/**
 * What the soak test reads from inside the server: its V8 heap and its
 * event-loop lag. Loaded only into a server under soak (`node --import`
 * before bin/dynalith.js), so a server started otherwise carries none of it.
 * Every SOAK_PROBE_INTERVAL_MS it appends one JSON line to SOAK_PROBE_FILE:
 * heap figures, and the event loop's delay percentiles over the interval
 * (perf_hooks' histogram, sampled every 10 ms, then reset).
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProbeLine {
  /** Epoch ms. */
  readonly at: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
}

const file = process.env.SOAK_PROBE_FILE;
if (file !== undefined) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const mib = (bytes: number) => bytes / 1024 ** 2;
  const ms = (ns: number) => ns / 1e6;
  setInterval(
    () => {
      const { heapUsed, heapTotal } = process.memoryUsage();
      const line: ProbeLine = {
        at: Date.now(),
        heapUsedMiB: mib(heapUsed),
        heapTotalMiB: mib(heapTotal),
        lagP50Ms: ms(histogram.percentile(50)),
        lagP99Ms: ms(histogram.percentile(99)),
        lagMaxMs: ms(histogram.max),
      };
      histogram.reset();
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    },
    Number(process.env.SOAK_PROBE_INTERVAL_MS ?? 10_000),
  ).unref();
}
