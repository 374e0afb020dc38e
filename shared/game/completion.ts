import type { PatternName } from "../protocol/state";
import { DEFAULT_PATTERNS, PATTERNS_BY_VARIANT } from "../protocol/state";
import { corners75, isComplete, lines75, variantOf } from "./patterns";
import type { ReadonlyGrid } from "./cards";

export { isComplete };

/** The patterns each variant can play (defined with the protocol). */
export const PATTERNS = PATTERNS_BY_VARIANT;
export { DEFAULT_PATTERNS };
export type { PatternName };

/** Position of a ball that is not in the order: later than any real draw. */
export const NOT_DRAWN = 0x7fff_ffff;
/** The free centre of a 75-ball card is marked before the first ball. */
const FREE = -1;
const MAX_BALL = 90;

/** positions[ball] = index of the ball in `order` (NOT_DRAWN if absent; index 0 unused). */
export function drawPositions(order: readonly number[]): Int32Array {
  const positions = new Int32Array(MAX_BALL + 1).fill(NOT_DRAWN);
  order.forEach((ball, index) => {
    if (!Number.isInteger(ball) || ball < 1 || ball > MAX_BALL) throw new RangeError(`not a ball: ${ball}`);
    if (positions[ball] !== NOT_DRAWN) throw new RangeError(`ball ${ball} is drawn twice`);
    positions[ball] = index;
  });
  return positions;
}

/**
 * The index of the draw on which `pattern` completes on `grid`: the pattern is complete once
 * ball index k has been drawn iff completionIndex <= k. A line completes with its last cell,
 * so each candidate line is the max of its cells and the pattern is the min (or, for two lines,
 * the second smallest) over candidates. Computing this once per card at the start lets a game
 * find every winner of a ball without marking cards. NOT_DRAWN or more if it never completes.
 */
export function completionIndex(grid: ReadonlyGrid, pattern: PatternName, positions: Int32Array): number {
  const at = (n: number): number => (n === 0 ? FREE : (positions[n] ?? NOT_DRAWN));
  const latest = (cells: readonly number[]): number => cells.reduce((max, n) => Math.max(max, at(n)), FREE);
  const variant = variantOf(grid, pattern);
  if (variant === 75) {
    switch (pattern) {
      case "line":
        return Math.min(...lines75(grid).map(latest));
      case "four-corners":
        return latest(corners75(grid));
      default:
        return latest(grid.flat());
    }
  }
  // Blanks (0) on a 90-ball ticket map to FREE, which never raises a row's max: every row has numbers.
  const rows = grid.map(latest).sort((a, b) => a - b);
  switch (pattern) {
    case "one-line":
      return rows[0];
    case "two-lines":
      return rows[1];
    default:
      return rows[2];
  }
}
