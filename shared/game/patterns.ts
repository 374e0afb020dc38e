import type { Grid, PatternName, Variant } from "../protocol/state";
import { PATTERNS_BY_VARIANT } from "../protocol/state";

/**
 * Pattern checks by marking drawn balls, shared by the server (its verifier and tests) and
 * the clients (a player app lights its "Bingo!" button with it). Pure, no Node APIs.
 */

type ReadonlyGrid = Grid;

/** The same rule by marking the drawn balls: an independent implementation for the verifier and tests. */
export function isComplete(grid: ReadonlyGrid, pattern: PatternName, drawn: readonly number[]): boolean {
  const marked = new Set(drawn);
  const variant = variantOf(grid, pattern);
  if (variant === 75) {
    const hit = (n: number): boolean => n === 0 || marked.has(n);
    if (pattern === "line") return lines75(grid).some((line) => line.every(hit));
    if (pattern === "four-corners") return corners75(grid).every(hit);
    return grid.every((row) => row.every(hit));
  }
  const fullRows = grid.filter((row) => row.every((n) => n === 0 || marked.has(n))).length;
  return fullRows >= (pattern === "one-line" ? 1 : pattern === "two-lines" ? 2 : 3);
}

/** The 5 rows, 5 columns and 2 diagonals of a 75-ball card. */
export function lines75(grid: ReadonlyGrid): (readonly number[])[] {
  const idx = [0, 1, 2, 3, 4];
  return [
    ...grid,
    ...idx.map((c) => idx.map((r) => grid[r][c])),
    idx.map((i) => grid[i][i]),
    idx.map((i) => grid[i][4 - i]),
  ];
}

export function corners75(grid: ReadonlyGrid): number[] {
  return [grid[0][0], grid[0][4], grid[4][0], grid[4][4]];
}

/** The variant a grid's shape belongs to; the pattern must be one of that variant's. */
export function variantOf(grid: ReadonlyGrid, pattern: PatternName): Variant {
  const variant: Variant | null =
    grid.length === 5 && grid.every((row) => row.length === 5) ? 75 : grid.length === 3 && grid.every((row) => row.length === 9) ? 90 : null;
  if (variant === null) throw new RangeError("a card is 5x5 (75-ball) or 3x9 (90-ball)");
  if (!(PATTERNS_BY_VARIANT[variant] as readonly string[]).includes(pattern)) throw new RangeError(`${pattern} is not a ${variant}-ball pattern`);
  return variant;
}

/**
 * The numbers of the cells that make `pattern` on this card with these balls, to light them
 * up when the card wins: every complete line for `line`, the corners, the whole card for a
 * full house; for 90-ball the complete rows. 0 stands for the free centre. Empty when the
 * pattern is not complete.
 */
export function patternNumbers(grid: ReadonlyGrid, pattern: PatternName, drawn: readonly number[]): ReadonlySet<number> {
  if (!isComplete(grid, pattern, drawn)) return new Set();
  const marked = new Set(drawn);
  const hit = (n: number): boolean => n === 0 || marked.has(n);
  const variant = variantOf(grid, pattern);
  let cells: readonly number[];
  if (variant === 75) {
    if (pattern === "line") cells = lines75(grid).filter((line) => line.every(hit)).flat();
    else if (pattern === "four-corners") cells = corners75(grid);
    else cells = grid.flat();
  } else {
    const rows = grid.filter((row) => row.every(hit));
    cells = (pattern === "full-house" ? grid : rows).flat().filter((n) => n !== 0);
  }
  return new Set(cells);
}
