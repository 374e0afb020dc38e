/**
 * Slot counts are pushed when the remaining count crosses a threshold ("only 100 left"),
 * not on every change: a 10-minute window would otherwise ring a phone every few seconds.
 * Pure.
 */

/** PUSH_COUNT_THRESHOLDS' default. */
export const DEFAULT_COUNT_THRESHOLDS: readonly number[] = [1000, 500, 100, 50, 10];

/**
 * How many thresholds `remaining` is at or below: it only grows as slots go, so a count is
 * worth pushing exactly when its band is higher than the last pushed one's (the opening's
 * included). Several thresholds crossed at once are one push.
 */
export function countBand(remaining: number, thresholds: readonly number[]): number {
  let band = 0;
  for (const threshold of thresholds) if (remaining <= threshold) band++;
  return band;
}
