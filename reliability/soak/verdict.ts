/**
 * The soak's verdict: over the second half of the run (the first half lets
 * caches, the JIT and the page cache settle), a least-squares line through
 * the samples must rise less than a given share of their typical level,
 * for memory (RSS) and for p99 latency; and the load must have held its rate.
 */
import { median } from '../../bench/lib/stats.js';

export interface Point {
  /** Seconds into the hold. */
  readonly t: number;
  readonly y: number;
}

/** Least-squares slope of y over t (per second); 0 for fewer than two points. */
export function slope(points: readonly Point[]): number {
  if (points.length < 2) return 0;
  const meanT = points.reduce((sum, p) => sum + p.t, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  let numerator = 0;
  let denominator = 0;
  for (const { t, y } of points) {
    numerator += (t - meanT) * (y - meanY);
    denominator += (t - meanT) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

export interface Trend {
  /** The fitted rise across the second half, in the series' unit. */
  readonly rise: number;
  /** The series' median over the second half. */
  readonly level: number;
  readonly percent: number;
  readonly flat: boolean;
}

/** How much the series rises over the second half of `seconds`, against its level there. */
export function trend(points: readonly Point[], seconds: number, limitPercent: number): Trend {
  const second = points.filter((p) => p.t >= seconds / 2);
  const span = second.length > 1 ? second[second.length - 1]!.t - second[0]!.t : 0;
  const rise = slope(second) * span;
  const level = median(second.map((p) => p.y));
  const percent = level > 0 ? (rise / level) * 100 : 0;
  return { rise, level, percent, flat: second.length >= 3 && percent < limitPercent };
}
