/**
 * How property tests run: a fixed seed by default, so `npm test` is the same
 * every time, DYNALITH_FUZZ_SEED=<n> (or `random`) to explore other inputs,
 * and DYNALITH_FUZZ_RUNS=<n> to run n times as many cases as the default. A
 * failure names the seed and fast-check's replay path, so it reproduces.
 * DYNALITH_FUZZ_REPORT=1 prints each property's most expensive request.
 */
import fc from 'fast-check';
import { takeHeaviest } from './answers.js';

const seedSetting = process.env.DYNALITH_FUZZ_SEED ?? '1';
export const BASE_SEED = seedSetting === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(seedSetting);
const RUN_FACTOR = Number(process.env.DYNALITH_FUZZ_RUNS ?? 1);

/** A seed of the property's own, so adding a property does not change the others' inputs. */
function seedFor(name: string): number {
  let hash = BASE_SEED >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x9e3779b1);
  return hash | 0;
}

/** Checks `property` over `runs` cases (times DYNALITH_FUZZ_RUNS). */
export async function fuzz<T>(name: string, runs: number, property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>): Promise<void> {
  const seed = seedFor(name);
  const numRuns = Math.max(1, Math.round(runs * RUN_FACTOR));
  takeHeaviest();
  try {
    await fc.assert(property, { seed, numRuns, includeErrorInReport: true });
    if (process.env.DYNALITH_FUZZ_REPORT) {
      const { cpuMs, request } = takeHeaviest();
      console.log(`[fuzz] ${name}: ${numRuns} cases; most CPU for one request: ${cpuMs.toFixed(1)} ms (${JSON.stringify(request)})`);
    }
  } catch (error) {
    const note = `\n[fuzz] ${name}: DYNALITH_FUZZ_SEED=${BASE_SEED} reproduces this failure (property seed ${seed}).`;
    if (error instanceof Error) error.message += note;
    throw error;
  }
}
