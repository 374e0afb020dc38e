import type { Variant } from "../protocol/state";
import { FairRandom, seedKey } from "./fair-random";
import type { HmacSha256 } from "./hmac-sha256";

export type { Variant };

/** A card as rows of columns; 0 is the free centre of a 75-ball card or a blank of a 90-ball ticket. */
export type Grid = number[][];
/** What functions that only read a card accept, so read-only grids from the protocol fit too. */
export type ReadonlyGrid = readonly (readonly number[])[];
/** A seed as 64 hex characters, or its key from seedKey (see FairRandom). */
export type Seed = string | HmacSha256;

/** The order every ball of the game is drawn in; a game draws a prefix of it. */
export function drawOrder(seed: Seed, variant: Variant): number[] {
  return new FairRandom(seed, "draw").shuffle(range(1, variant));
}

/**
 * A 75-ball card: column c holds five of 15c+1 .. 15c+15 in the order a shuffle of all fifteen puts
 * them (unsorted, as on printed 75-ball cards); the centre is free, so column 2 takes only four.
 */
export function card75(seed: Seed, cardId: number): Grid {
  checkId(cardId, 1, "card id");
  const random = new FairRandom(seed, `card:${cardId}`);
  const grid: Grid = [[], [], [], [], []];
  for (let c = 0; c < 5; c++) {
    const picked = random.shuffle(range(15 * c + 1, 15 * c + 15));
    for (let row = 0, next = 0; row < 5; row++) {
      grid[row][c] = c === 2 && row === 2 ? 0 : picked[next++];
    }
  }
  return grid;
}

/** Ticket ids 1..6 form strip 0, 7..12 strip 1, and so on, so the tickets of one strip never share a number. */
export function card90(seed: Seed, cardId: number): Grid {
  checkId(cardId, 1, "card id");
  return strip90(seed, stripOf(cardId))[ticketOf(cardId)];
}

export function cardGrid(seed: Seed, variant: Variant, cardId: number): Grid {
  if (variant === 75) return card75(seed, cardId);
  if (variant === 90) return card90(seed, cardId);
  throw new RangeError(`unknown variant ${String(variant)}`);
}

const stripOf = (cardId: number): number => Math.floor((cardId - 1) / 6);
const ticketOf = (cardId: number): number => (cardId - 1) % 6;

/**
 * One game's cards, for a node that makes them card after card (claims, calls): the seed is
 * keyed once, and the 90-ball strip made last is kept, since ids are mostly handed out in
 * order and one strip's work yields six tickets. State lives here, owned by the game's
 * rules, so games never share or evict each other's work; the functions above stay stateless.
 */
export class CardDealer {
  private readonly key: HmacSha256;
  private lastStrip: { index: number; tickets: readonly Grid[] } | null = null;

  constructor(
    seedHex: string,
    private readonly variant: Variant,
  ) {
    this.key = seedKey(seedHex);
    if (variant !== 75 && variant !== 90) throw new RangeError(`unknown variant ${String(variant)}`);
  }

  /** A fresh copy of the card's grid: callers may change it without touching the kept strip. */
  grid(cardId: number): Grid {
    if (this.variant === 75) return card75(this.key, cardId);
    checkId(cardId, 1, "card id");
    const index = stripOf(cardId);
    if (this.lastStrip === null || this.lastStrip.index !== index) this.lastStrip = { index, tickets: strip90(this.key, index) };
    return this.lastStrip.tickets[ticketOf(cardId)].map((row) => [...row]);
  }
}

const TICKETS = 6;
const ROWS_90 = 3;
const COLUMNS_90 = 9;
const PER_ROW_90 = 5;
/** Column c of a 90-ball ticket: 1-9, then 10-19 .. 70-79, then 80-90. */
const COLUMN_NUMBERS_90: readonly (readonly number[])[] = Array.from({ length: COLUMNS_90 }, (_, c) =>
  range(c === 0 ? 1 : 10 * c, c === 8 ? 90 : 10 * c + 9),
);

/**
 * A strip of six 90-ball tickets holding 1..90 once each; every ticket has 15 numbers, 5 per row,
 * 1 to 3 per column, ascending down each column. Three stages read one stream, each stage choosing
 * uniformly among the options that still leave the rest completable, so it never dead-ends:
 *   1. how many numbers each ticket takes from each column (1 each, plus the column's extras);
 *   2. for each ticket, which rows each of its columns fills;
 *   3. which numbers: each column's numbers shuffled, then dealt to tickets 0..5 in turn.
 */
export function strip90(seed: Seed, stripIndex: number): Grid[] {
  checkId(stripIndex, 0, "strip index");
  const random = new FairRandom(seed, `strip:${stripIndex}`);

  // 1. counts[t][c]: every cell starts at 1; the 36 extras (column size - 6) go out column by column,
  //    at most 2 more per cell (3 per column of a ticket) and 6 more per ticket (15 numbers).
  const extras = COLUMN_NUMBERS_90.map((numbers) => numbers.length - TICKETS);
  const ticketRoom = new Array<number>(TICKETS).fill(15 - COLUMNS_90);
  const counts: number[][] = Array.from({ length: TICKETS }, () => new Array<number>(COLUMNS_90).fill(1));
  for (let c = 0; c < COLUMNS_90; c++) {
    const split = chooseSplit(random, 2, ticketRoom, extras[c], extras.slice(c + 1));
    for (let t = 0; t < TICKETS; t++) {
      counts[t][c] += split[t];
      ticketRoom[t] -= split[t];
    }
  }

  // 2. rowsOf[t][c]: the rows (0/1 per row) column c of ticket t fills, 5 numbers per row.
  const rowsOf = counts.map((ticketCounts) => {
    const rowRoom = new Array<number>(ROWS_90).fill(PER_ROW_90);
    return ticketCounts.map((count, c) => {
      const rows = chooseSplit(random, 1, rowRoom, count, ticketCounts.slice(c + 1));
      for (let r = 0; r < ROWS_90; r++) rowRoom[r] -= rows[r];
      return rows;
    });
  });

  // 3. Numbers: shuffle each column, deal counts[0][c] to ticket 0, then ticket 1, ...; ascending down the rows.
  const tickets: Grid[] = Array.from({ length: TICKETS }, () =>
    Array.from({ length: ROWS_90 }, () => new Array<number>(COLUMNS_90).fill(0)),
  );
  for (let c = 0; c < COLUMNS_90; c++) {
    const dealt = random.shuffle([...COLUMN_NUMBERS_90[c]]);
    let next = 0;
    for (let t = 0; t < TICKETS; t++) {
      const mine = dealt.slice(next, next + counts[t][c]).sort((a, b) => a - b);
      next += mine.length;
      let k = 0;
      for (let r = 0; r < ROWS_90; r++) if (rowsOf[t][c][r] === 1) tickets[t][r][c] = mine[k++];
    }
  }
  return tickets;
}

/**
 * Splits `amount` over the slots of `room` (at most min(q, room[i]) to slot i) by drawing one of
 * all such splits, in lexicographic order, that leave the later amounts placeable: options[below(n)].
 * The state is placeable before the first call and a placeable state always has at least one such
 * option (the corresponding column of any completion), so this never runs out of options.
 */
function chooseSplit(random: FairRandom, q: number, room: readonly number[], amount: number, later: readonly number[]): number[] {
  const n = room.length;
  const laterTotal = later.reduce((a, b) => a + b, 0);
  // capacity[k-1]: the most any k slots together can still take from the later amounts (q each per amount).
  const capacity = room.map((_, i) => later.reduce((sum, x) => sum + Math.min(x, q * (i + 1)), 0));
  // reach[i]: the most slots i.. can take, to skip prefixes that cannot add up to `amount`.
  const reach = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) reach[i] = reach[i + 1] + Math.min(q, room[i]);
  const options: number[][] = [];
  const v = new Array<number>(n).fill(0);
  const left = new Array<number>(n).fill(0);
  const walk = (i: number, rest: number): void => {
    if (i === n) {
      if (placeable(room, v, left, laterTotal, capacity)) options.push([...v]);
      return;
    }
    for (let x = Math.max(0, rest - reach[i + 1]); x <= Math.min(q, room[i], rest); x++) {
      v[i] = x;
      walk(i + 1, rest - x);
    }
    v[i] = 0;
  };
  walk(0, amount);
  if (options.length === 0) throw new Error("strip90: no placeable split (unreachable)");
  return options[random.below(options.length)];
}

/**
 * Whether, after taking `split` from `room`, amounts totalling `total` can still be placed with at most
 * q per slot per amount: is there a matrix with entries in 0..q, the rooms left as row sums and the
 * amounts as column sums? By max-flow/min-cut (a Gale–Ryser bound) iff the totals match and for every
 * k the k largest rooms left sum to at most capacity[k-1] = sum over amounts of min(amount, q*k).
 * `left` is scratch space, sorted descending here by insertion (hot path: no allocation).
 */
function placeable(room: readonly number[], split: readonly number[], left: number[], total: number, capacity: readonly number[]): boolean {
  for (let i = 0; i < room.length; i++) {
    const x = room[i] - split[i];
    let j = i;
    for (; j > 0 && left[j - 1] < x; j--) left[j] = left[j - 1];
    left[j] = x;
  }
  let top = 0;
  for (let k = 0; k < left.length; k++) {
    top += left[k];
    if (top > capacity[k]) return false;
  }
  return top === total;
}

function range(from: number, to: number): number[] {
  // A plain loop: Array.from with a mapper was a tenth of a card's cost.
  const out = new Array<number>(to - from + 1);
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

function checkId(value: number, min: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${value}`);
}
