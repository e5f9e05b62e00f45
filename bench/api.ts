/**
 * What the benchmarks share: the raw API client of the tests (no retries, so the timings are
 * the daemon's) and the median.
 * @module
 */
export { call } from '../test/helpers/api.ts';

/** The median of some numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
