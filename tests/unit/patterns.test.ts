import fc from "fast-check";
import { cardGrid, drawOrder, type Grid } from "../../server/domain/cards";
import { patternNumbers } from "../../shared/game/patterns";
import { completionIndex, DEFAULT_PATTERNS, drawPositions, isComplete, NOT_DRAWN, PATTERNS, type PatternName } from "../../server/domain/patterns";

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("hex"));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A 75-ball card with 1..24 laid out row by row around the free centre, for hand-made draws. */
const CARD75: Grid = [
  [1, 2, 3, 4, 5],
  [6, 7, 8, 9, 10],
  [11, 12, 0, 13, 14],
  [15, 16, 17, 18, 19],
  [20, 21, 22, 23, 24],
];
/** A 90-ball ticket (rule-shaped enough for the patterns: 5 numbers a row, blanks elsewhere). */
const TICKET90: Grid = [
  [1, 0, 20, 0, 40, 0, 60, 0, 80],
  [0, 11, 0, 31, 0, 51, 0, 71, 81],
  [2, 12, 0, 32, 0, 52, 0, 72, 0],
];

/** completionIndex with the given balls drawn first, in order, and the other balls after them. */
function completesAt(grid: Grid, pattern: PatternName, first: number[]): number {
  const rest = range(1, 90).filter((n) => !first.includes(n));
  return completionIndex(grid, pattern, drawPositions([...first, ...rest]));
}

describe("pattern lists", () => {
  it("names each variant's patterns and defaults", () => {
    expect(PATTERNS[75]).toEqual(["line", "four-corners", "full-house"]);
    expect(PATTERNS[90]).toEqual(["one-line", "two-lines", "full-house"]);
    expect(DEFAULT_PATTERNS).toEqual({ 75: ["line", "full-house"], 90: ["one-line", "two-lines", "full-house"] });
  });
});

describe("drawPositions", () => {
  it("maps each ball to its index in the order, NOT_DRAWN for the rest", () => {
    const positions = drawPositions([5, 3, 90]);
    expect([positions[5], positions[3], positions[90], positions[1]]).toEqual([0, 1, 2, NOT_DRAWN]);
  });

  it.each([[[1, 1]], [[0]], [[91]], [[2.5]]])("refuses the order %p", (order) => {
    expect(() => drawPositions(order)).toThrow(RangeError);
  });
});

describe("completionIndex on hand-made draws", () => {
  it("75 line: a row, a column and a diagonal through the free centre each complete on their last cell", () => {
    expect(completesAt(CARD75, "line", [50, 1, 2, 3, 4, 5])).toBe(5);
    expect(completesAt(CARD75, "line", [3, 8, 17, 22])).toBe(3); // the middle column, centre free
    expect(completesAt(CARD75, "line", [1, 7, 18, 24])).toBe(3); // a diagonal, centre free
    expect(completesAt(CARD75, "line", [11, 12, 13, 60, 14])).toBe(4); // the middle row
  });

  it("75 four corners and full house", () => {
    expect(completesAt(CARD75, "four-corners", [1, 5, 20, 2, 24])).toBe(4);
    expect(completesAt(CARD75, "full-house", [...range(1, 24), 70])).toBe(23);
  });

  it("90 one line, two lines and full house take the smallest, second and largest row completion", () => {
    const first = [1, 20, 40, 60, 80, 11, 31, 51, 71, 2, 12, 32, 52, 72, 81];
    expect(completesAt(TICKET90, "one-line", first)).toBe(4);
    expect(completesAt(TICKET90, "two-lines", first)).toBe(13); // row 2 completes on 72 before row 1 on 81
    expect(completesAt(TICKET90, "full-house", first)).toBe(14);
  });

  it("is NOT_DRAWN or more when the pattern never completes", () => {
    expect(completionIndex(CARD75, "line", drawPositions([1, 2, 3]))).toBeGreaterThanOrEqual(NOT_DRAWN);
  });

  it("refuses a pattern of the other variant and an odd-shaped grid", () => {
    expect(() => completionIndex(CARD75, "one-line", drawPositions([]))).toThrow(RangeError);
    expect(() => isComplete(TICKET90, "four-corners", [])).toThrow(RangeError);
    expect(() => isComplete([[1, 2]], "line", [])).toThrow(RangeError);
  });
});

describe("completionIndex agrees with isComplete", () => {
  const caseArb = fc.constantFrom(75 as const, 90 as const).chain((variant) =>
    fc.record({
      seed: seedArb,
      variant: fc.constant(variant),
      cardId: fc.integer({ min: 1, max: 100_000 }),
      pattern: fc.constantFrom(...PATTERNS[variant]),
    }),
  );

  it("for every prefix of the draw order: complete after draw k iff completionIndex <= k (property)", () => {
    fc.assert(
      fc.property(caseArb, ({ seed, variant, cardId, pattern }) => {
        const grid = cardGrid(seed, variant, cardId);
        const order = drawOrder(seed, variant);
        const done = completionIndex(grid, pattern, drawPositions(order));
        expect(done).toBeGreaterThanOrEqual(0);
        expect(done).toBeLessThan(variant);
        const disagree = range(-1, variant - 1).filter((k) => isComplete(grid, pattern, order.slice(0, k + 1)) !== done <= k);
        expect(disagree).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("orders the patterns: line <= full house, one line <= two lines <= full house (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 100_000 }), (seed, cardId) => {
        const at = (variant: 75 | 90, pattern: PatternName): number =>
          completionIndex(cardGrid(seed, variant, cardId), pattern, drawPositions(drawOrder(seed, variant)));
        expect(at(75, "line")).toBeLessThanOrEqual(at(75, "full-house"));
        expect(at(75, "four-corners")).toBeLessThanOrEqual(at(75, "full-house"));
        expect(at(90, "one-line")).toBeLessThanOrEqual(at(90, "two-lines"));
        expect(at(90, "two-lines")).toBeLessThanOrEqual(at(90, "full-house"));
      }),
      { numRuns: 100 },
    );
  });
});

describe("patternNumbers (what a winning card lights up)", () => {
  const sorted = (set: ReadonlySet<number>): number[] => [...set].sort((a, b) => a - b);

  it("a line: the complete line with the free centre; two complete lines light both", () => {
    expect(sorted(patternNumbers(CARD75, "line", [11, 12, 13, 14]))).toEqual([0, 11, 12, 13, 14]);
    expect(sorted(patternNumbers(CARD75, "line", [1, 2, 3, 4, 5, 11, 12, 13, 14]))).toEqual([0, 1, 2, 3, 4, 5, 11, 12, 13, 14]);
    expect(sorted(patternNumbers(CARD75, "line", [3, 8, 17, 22]))).toEqual([0, 3, 8, 17, 22]);
  });

  it("four corners and full house", () => {
    expect(sorted(patternNumbers(CARD75, "four-corners", [1, 5, 20, 24, 7]))).toEqual([1, 5, 20, 24]);
    expect(sorted(patternNumbers(CARD75, "full-house", range(1, 24)))).toEqual([0, ...range(1, 24)]);
  });

  it("90-ball: the complete rows, never the blanks", () => {
    expect(sorted(patternNumbers(TICKET90, "one-line", [1, 20, 40, 60, 80]))).toEqual([1, 20, 40, 60, 80]);
    expect(sorted(patternNumbers(TICKET90, "two-lines", [1, 20, 40, 60, 80, 11, 31, 51, 71, 81]))).toEqual([1, 11, 20, 31, 40, 51, 60, 71, 80, 81]);
  });

  it("nothing when the pattern is not complete", () => {
    expect(patternNumbers(CARD75, "line", [1, 2, 3, 4]).size).toBe(0);
    expect(patternNumbers(TICKET90, "one-line", [1, 20, 40, 60]).size).toBe(0);
  });
});
