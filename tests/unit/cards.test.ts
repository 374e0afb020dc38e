import fc from "fast-check";
import { CardDealer, card75, card90, cardGrid, drawOrder, strip90, type Grid } from "../../server/domain/cards";

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("hex"));
/** sha256("bingo known-answer seed"); the pinned outputs below were computed by an independent implementation of docs/fairness.md. */
const SEED = "f63e4de45d4a02d20b24ff44a809e62b2f8f048e5cb810143ac6b39b6e20b076";
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const ascending = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const column = (grid: Grid, c: number): number[] => grid.map((row) => row[c]);

/** Broken rules of a 75-ball card, as sentences (plain checks: expect() per cell is too slow for property runs). */
function problems75(grid: Grid): string[] {
  const problems: string[] = [];
  if (grid.length !== 5 || grid.some((row) => row.length !== 5)) return ["not 5x5"];
  if (grid[2][2] !== 0) problems.push("centre is not free");
  const numbers = grid.flat().filter((n) => n !== 0);
  if (numbers.length !== 24) problems.push(`${numbers.length} numbers`);
  if (new Set(numbers).size !== numbers.length) problems.push("repeated number");
  for (let c = 0; c < 5; c++) {
    for (let r = 0; r < 5; r++) {
      const n = grid[r][c];
      if (!(c === 2 && r === 2) && !(Number.isInteger(n) && n >= 15 * c + 1 && n <= 15 * c + 15)) problems.push(`${n} in column ${c}`);
    }
  }
  return problems;
}

const COLUMN_RANGE = (c: number): [number, number] => [c === 0 ? 1 : 10 * c, c === 8 ? 90 : 10 * c + 9];

/** Broken rules of a 90-ball strip: 6 tickets of 3x9, 15 numbers, 5 per row, 1-3 per column, ascending, 1..90 once. */
function problemsStrip(strip: Grid[]): string[] {
  const problems: string[] = [];
  if (strip.length !== 6) return [`${strip.length} tickets`];
  strip.forEach((ticket, t) => {
    if (ticket.length !== 3 || ticket.some((row) => row.length !== 9)) {
      problems.push(`ticket ${t} is not 3x9`);
      return;
    }
    ticket.forEach((row, r) => {
      const count = row.filter((n) => n !== 0).length;
      if (count !== 5) problems.push(`ticket ${t} row ${r} has ${count} numbers`);
    });
    for (let c = 0; c < 9; c++) {
      const numbers = column(ticket, c).filter((n) => n !== 0);
      if (numbers.length < 1 || numbers.length > 3) problems.push(`ticket ${t} column ${c} has ${numbers.length} numbers`);
      if (numbers.join() !== ascending(numbers).join()) problems.push(`ticket ${t} column ${c} is not ascending`);
      const [low, high] = COLUMN_RANGE(c);
      for (const n of numbers) if (n < low || n > high) problems.push(`${n} in column ${c}`);
    }
  });
  if (ascending(strip.flatMap((ticket) => ticket.flat()).filter((n) => n !== 0)).join() !== range(1, 90).join()) {
    problems.push("the strip does not hold 1..90 exactly once");
  }
  return problems;
}

describe("drawOrder", () => {
  it("pins the first draws of a known seed", () => {
    expect(drawOrder(SEED, 75).slice(0, 5)).toEqual([60, 18, 34, 3, 5]);
    expect(drawOrder(SEED, 90).slice(0, 5)).toEqual([3, 1, 87, 36, 15]);
  });

  it("is a permutation of the variant's balls, the same for the same seed (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.constantFrom(75 as const, 90 as const), (seed, variant) => {
        const order = drawOrder(seed, variant);
        expect(ascending(order)).toEqual(range(1, variant));
        expect(drawOrder(seed, variant)).toEqual(order);
      }),
      { numRuns: 100 },
    );
  });
});

describe("card75", () => {
  it("pins card 1 of a known seed", () => {
    expect(card75(SEED, 1)).toEqual([
      [15, 16, 32, 49, 70],
      [11, 25, 41, 60, 63],
      [10, 22, 0, 56, 68],
      [5, 21, 31, 48, 72],
      [7, 17, 42, 47, 74],
    ]);
  });

  it("is always a valid card (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 1_000_000 }), (seed, id) => {
        expect(problems75(card75(seed, id))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the shuffled order: columns are not sorted", () => {
    const unsorted = range(1, 50).filter((id) => {
      const grid = card75(SEED, id);
      return range(0, 4).some((c) => c !== 2 && column(grid, c).join() !== ascending(column(grid, c)).join());
    });
    expect(unsorted.length).toBeGreaterThan(45);
  });

  it("is deterministic per seed and id, and differs across seeds and ids (property)", () => {
    fc.assert(
      fc.property(seedArb, seedArb, fc.integer({ min: 1, max: 10_000 }), (a, b, id) => {
        fc.pre(a !== b);
        expect(card75(a, id)).toEqual(card75(a, id));
        expect(card75(a, id)).not.toEqual(card75(b, id));
        expect(card75(a, id)).not.toEqual(card75(a, id + 1));
      }),
      { numRuns: 100 },
    );
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses card id %p", (id) => {
    expect(() => card75(SEED, id)).toThrow(RangeError);
  });
});

describe("strip90", () => {
  it("pins tickets of a known seed", () => {
    expect(strip90(SEED, 0)[0]).toEqual([
      [0, 0, 29, 35, 45, 56, 0, 70, 0],
      [0, 18, 0, 0, 48, 59, 0, 75, 80],
      [1, 0, 0, 0, 49, 0, 62, 79, 81],
    ]);
    expect(strip90(SEED, 1)[2]).toEqual([
      [7, 0, 0, 32, 45, 51, 0, 0, 88],
      [9, 0, 20, 0, 46, 0, 60, 0, 89],
      [0, 19, 0, 36, 49, 0, 63, 72, 0],
    ]);
  });

  it("is always a valid strip covering 1..90 once (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 0, max: 1_000_000 }), (seed, index) => {
        expect(problemsStrip(strip90(seed, index))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("never dead-ends over 300 consecutive strips of one seed", () => {
    const broken = range(0, 299).filter((index) => problemsStrip(strip90(SEED, index)).length > 0);
    expect(broken).toEqual([]);
  });

  it("varies the layout: how many numbers each ticket takes per column differs between strips", () => {
    const strips = range(0, 49).map((index) => strip90(SEED, index));
    const countsOf = (ticket: Grid): string => range(0, 8).map((c) => column(ticket, c).filter((n) => n !== 0).length).join("");
    expect(new Set(strips.map((strip) => strip.map(countsOf).join("|"))).size).toBe(50);
    const fullColumns = strips.flatMap((strip) => strip.flatMap((ticket) => range(0, 8).filter((c) => column(ticket, c).every((n) => n !== 0))));
    expect(new Set(fullColumns)).toEqual(new Set(range(0, 8))); // every column sometimes takes 3 numbers on a ticket
  });

  it("is deterministic per seed and index, and differs across seeds (property)", () => {
    fc.assert(
      fc.property(seedArb, seedArb, fc.integer({ min: 0, max: 10_000 }), (a, b, index) => {
        fc.pre(a !== b);
        expect(strip90(a, index)).toEqual(strip90(a, index));
        expect(strip90(a, index)).not.toEqual(strip90(b, index));
      }),
      { numRuns: 50 },
    );
  });

  it.each([-1, 0.5, Number.NaN])("refuses strip index %p", (index) => {
    expect(() => strip90(SEED, index)).toThrow(RangeError);
  });
});

describe("card90 and cardGrid", () => {
  it("maps card id n to ticket (n-1) mod 6 of strip floor((n-1)/6)", () => {
    for (const id of range(1, 19)) {
      expect(card90(SEED, id)).toEqual(strip90(SEED, Math.floor((id - 1) / 6))[(id - 1) % 6]);
    }
  });

  it("gives cards 1..6 of a game every ball exactly once", () => {
    expect(ascending(range(1, 6).flatMap((id) => card90(SEED, id).flat()).filter((n) => n !== 0))).toEqual(range(1, 90));
  });

  it("hands out copies: changing a returned ticket does not change the next answer", () => {
    const ticket = card90(SEED, 2);
    const original = ticket.map((row) => [...row]);
    ticket[0][0] = 999;
    expect(card90(SEED, 2)).toEqual(original);
  });

  it("answers the same whichever order ids and seeds are asked in (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(SEED, "00".repeat(32)), fc.integer({ min: 1, max: 30 })), { maxLength: 12 }), (asks) => {
        for (const [seed, id] of asks) expect(card90(seed, id)).toEqual(strip90(seed, Math.floor((id - 1) / 6))[(id - 1) % 6]);
      }),
      { numRuns: 30 },
    );
  });

  it("dispatches on the variant", () => {
    expect(cardGrid(SEED, 75, 3)).toEqual(card75(SEED, 3));
    expect(cardGrid(SEED, 90, 3)).toEqual(card90(SEED, 3));
    expect(() => cardGrid(SEED, 80 as never, 3)).toThrow(RangeError);
  });

  it.each([0, -6, 2.5])("refuses card id %p", (id) => {
    expect(() => card90(SEED, id)).toThrow(RangeError);
  });
});

describe("CardDealer (one game's cards, keyed once)", () => {
  it("deals the same grids as the stateless functions, in any order, for both variants (property)", () => {
    fc.assert(
      fc.property(seedArb, fc.constantFrom(75 as const, 90 as const), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }), (seed, variant, ids) => {
        const dealer = new CardDealer(seed, variant);
        for (const id of ids) expect(dealer.grid(id)).toEqual(cardGrid(seed, variant, id));
      }),
      { numRuns: 40 },
    );
  });

  it("keeps two games apart: interleaved dealers of different seeds each deal their own cards", () => {
    const other = "00".repeat(32);
    const a = new CardDealer(SEED, 90);
    const b = new CardDealer(other, 90);
    for (const id of [1, 7, 2, 8, 3]) {
      expect(a.grid(id)).toEqual(card90(SEED, id));
      expect(b.grid(id)).toEqual(card90(other, id));
    }
  });

  it("hands out copies: changing a dealt ticket does not change the kept strip", () => {
    const dealer = new CardDealer(SEED, 90);
    const ticket = dealer.grid(2);
    const original = ticket.map((row) => [...row]);
    ticket[0][0] = 999;
    expect(dealer.grid(2)).toEqual(original);
  });

  it("refuses a bad seed, variant or id like the functions do", () => {
    expect(() => new CardDealer("xyz", 75)).toThrow(TypeError);
    expect(() => new CardDealer(SEED, 80 as never)).toThrow(RangeError);
    expect(() => new CardDealer(SEED, 90).grid(0)).toThrow(RangeError);
    expect(() => new CardDealer(SEED, 75).grid(2.5)).toThrow(RangeError);
  });
});
