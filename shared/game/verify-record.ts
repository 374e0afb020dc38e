import type { PublicRecord } from "../protocol/record";
import { cardGrid, drawOrder, type ReadonlyGrid } from "./cards";
import { commitmentOf } from "./fair-random";
import { isComplete, PATTERNS } from "./completion";
import { splitPrize } from "./prize-split";
import { checkCalls, checkTimes, inPlayFrom } from "./record-calls";

export type { PublicRecord };
export type Award = PublicRecord["awards"][number];

export type Verdict = { ok: true } | { ok: false; problems: string[] };

const SEED_PATTERN = /^[0-9a-f]{64}$/;
const CARD_ID_PATTERN = /^[1-9][0-9]*$/;
/** Mismatched draw positions named in a problem; the count covers the rest. */
const NAMED_MISMATCHES = 5;

/** The separate checks of a record, in the order they run; each may report problems. */
export const RECORD_CHECKS = ["variant", "commitment", "draws", "cards", "patterns", "awards", "times", "calls"] as const;
export type RecordCheck = (typeof RECORD_CHECKS)[number];

/** One check's outcome: `ran` is false when an earlier failure left nothing to check it against. */
export interface CheckResult {
  readonly check: RecordCheck;
  readonly ran: boolean;
  readonly problems: readonly string[];
}

/** What each check establishes, in plain words (the record page and the verifier script show these). */
export const CHECK_TITLES: Readonly<Record<RecordCheck, string>> = {
  variant: "The game is a 75-ball or a 90-ball game.",
  commitment: "The revealed seed is the one committed to before the game (its SHA-256 is the commitment).",
  draws: "Every ball was drawn in the order the seed gives, each ball once.",
  cards: "The winning cards are the cards the seed makes for their numbers.",
  patterns: "The patterns and prizes are valid for this game.",
  awards: "Each winning card completed its pattern exactly on the ball it won on, and the prizes were split fairly.",
  times: "The times of the draws and the awards are in order and agree with each other.",
  calls: "Every accepted call was made in time, and each prize went to exactly the earliest valid calls.",
};

/**
 * Checks a finished game's public record against its seed: the commitment, the draws, the
 * published cards, that every winner completed its pattern on exactly the awarded ball,
 * that the prizes follow splitPrize, and — from the draw times, the grace and the accepted
 * calls alone — that each award went to exactly the valid calls on the earliest ball
 * (record-calls.ts). Reports every problem found rather than stopping at the first, so one
 * tampering shows up as all the checks it breaks. The record page (web/record) and
 * scripts/verify-game.ts both run this.
 */
export function verifyRecord(record: PublicRecord): Verdict {
  const problems = recordChecks(record).flatMap((result) => result.problems);
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** verifyRecord check by check, so that a page can show each one passing or failing. */
export function recordChecks(record: PublicRecord): CheckResult[] {
  const { variant } = record;
  if (variant !== 75 && variant !== 90) {
    return RECORD_CHECKS.map((check) =>
      check === "variant"
        ? { check, ran: true, problems: [`The variant ${String(variant)} is neither 75 nor 90.`] }
        : { check, ran: false, problems: [] },
    );
  }
  const results: CheckResult[] = [{ check: "variant", ran: true, problems: [] }];
  const run = (check: RecordCheck, body: (problems: string[]) => void): void => {
    const problems: string[] = [];
    body(problems);
    results.push({ check, ran: true, problems });
  };

  const seedOk = typeof record.seed === "string" && SEED_PATTERN.test(record.seed);
  run("commitment", (problems) => {
    if (!seedOk) problems.push("The seed is not 64 lowercase hex characters, so nothing can be derived from it.");
    else if (record.commitment !== commitmentOf(record.seed)) {
      problems.push(`The commitment ${record.commitment} is not the SHA-256 of the seed (${commitmentOf(record.seed)}).`);
    }
  });
  run("draws", (problems) => checkDraws(record, seedOk, problems));
  run("cards", (problems) => checkCards(record, seedOk, problems));
  run("patterns", (problems) => checkPatterns(record, problems));
  run("awards", (problems) => checkAwards(record, problems));
  let timesOk = false;
  run("times", (problems) => {
    timesOk = checkTimes(record, problems);
  });
  if (seedOk && timesOk) run("calls", (problems) => checkCalls(record, problems));
  else results.push({ check: "calls", ran: false, problems: [] });
  return results;
}

function checkDraws({ draws, variant, seed }: PublicRecord, seedOk: boolean, problems: string[]): void {
  const firstSeen = new Map<number, number>();
  draws.forEach((ball, i) => {
    if (!Number.isInteger(ball) || ball < 1 || ball > variant) problems.push(`Draw ${i} (${ball}) is not a ball of the ${variant}-ball game.`);
    const earlier = firstSeen.get(ball);
    if (earlier === undefined) firstSeen.set(ball, i);
    else problems.push(`Ball ${ball} is drawn twice, at draws ${earlier} and ${i}.`);
  });
  if (!seedOk) return;
  const order = drawOrder(seed, variant);
  const mismatches = draws.flatMap((ball, i) => (ball === order[i] ? [] : [i]));
  if (mismatches.length > 0) {
    const named = mismatches.slice(0, NAMED_MISMATCHES).map((i) => `draw ${i} is ${draws[i]} where the seed gives ${order[i] ?? "nothing"}`);
    const more = mismatches.length > NAMED_MISMATCHES ? ` and ${mismatches.length - NAMED_MISMATCHES} more` : "";
    problems.push(`The draws are not the seed's draw order at ${mismatches.length} position(s): ${named.join("; ")}${more}.`);
  }
}

function checkCards({ cards, variant, seed }: PublicRecord, seedOk: boolean, problems: string[]): void {
  for (const [id, grid] of Object.entries(cards)) {
    if (!CARD_ID_PATTERN.test(id) || !Number.isSafeInteger(Number(id))) {
      problems.push(`Card id "${id}" is not a positive integer.`);
    } else if (seedOk && !sameGrid(grid, cardGrid(seed, variant, Number(id)))) {
      problems.push(`Card ${id} as published is not the card the seed generates for id ${id}.`);
    }
  }
}

function checkPatterns({ patterns, prizes, variant }: PublicRecord, problems: string[]): void {
  const allowed: readonly string[] = PATTERNS[variant];
  patterns.forEach((pattern, i) => {
    if (!allowed.includes(pattern)) problems.push(`Pattern ${i} (${pattern}) is not a ${variant}-ball pattern.`);
  });
  if (prizes.length !== patterns.length) problems.push(`There are ${prizes.length} prizes for ${patterns.length} patterns.`);
  prizes.forEach((prize, i) => {
    if (!Number.isSafeInteger(prize) || prize < 0) problems.push(`Prize ${i} (${prize}) is not a non-negative integer of minor units.`);
  });
}

function checkAwards(record: PublicRecord, problems: string[]): void {
  const { awards, patterns, prizes, draws, cards } = record;
  if (awards.length > patterns.length) problems.push(`There are ${awards.length} awards for ${patterns.length} patterns.`);
  const from = inPlayFrom(record);
  /** Remainder rolled over from the previous award; null once a pool cannot be known. */
  let carried: number | null = 0;
  awards.forEach((award, i) => {
    const { pattern, ballIndex, winners } = award;
    if (i < patterns.length && pattern !== patterns[i]) problems.push(`Award ${i} is for ${pattern} but pattern ${i} is ${patterns[i]}.`);

    const ballOk = Number.isInteger(ballIndex) && ballIndex >= 0 && ballIndex < draws.length;
    if (!ballOk) problems.push(`Award ${i} is at draw ${ballIndex}, which is not one of the ${draws.length} draws.`);
    // Awards never go back: a card already complete when its pattern came into play counts
    // as completing on the last ball drawn then (e.g. four corners complete before the line was won).
    const opened = from[i] ?? -1;
    if (ballOk && ballIndex < opened) problems.push(`Award ${i} is at draw ${ballIndex}, before ${pattern} came into play at draw ${opened}.`);

    if (winners.length === 0) problems.push(`Award ${i} (${pattern}) has no winners.`);
    const seen = new Set<number>();
    for (const { cardId } of winners) {
      if (seen.has(cardId)) problems.push(`Award ${i} lists card ${cardId} more than once.`);
      seen.add(cardId);
      const grid = Object.prototype.hasOwnProperty.call(cards, String(cardId)) ? cards[String(cardId)] : undefined;
      if (grid === undefined) problems.push(`Award ${i}'s winning card ${cardId} is not among the published cards.`);
      else if (ballOk) checkWin(grid, cardId, award, i, opened, draws, problems);
    }

    // Prizes: the pool is this pattern's prize plus what the previous award left over.
    const prize = prizes[i];
    if (carried === null || prize === undefined || !Number.isSafeInteger(prize) || prize < 0) {
      carried = null;
      return;
    }
    const pool = prize + carried;
    if (winners.length === 0) {
      carried = pool;
      return;
    }
    const expected = splitPrize(pool, winners.length);
    const split = `a pool of ${pool} split among ${winners.length} winner(s)`;
    if (award.prizeEach !== expected.each) problems.push(`Award ${i} pays ${award.prizeEach} each, but ${split} is ${expected.each} each.`);
    if (award.remainder !== expected.remainder) {
      problems.push(`Award ${i} leaves a remainder of ${award.remainder}, but ${split} leaves ${expected.remainder}.`);
    }
    carried = expected.remainder;
  });
}

/**
 * The card must be complete with draws 0..ballIndex, and not with draws 0..ballIndex-1
 * unless ballIndex is the draw at which the pattern came into play (`opened`).
 */
function checkWin(grid: ReadonlyGrid, cardId: number, { pattern, ballIndex }: Award, i: number, opened: number, draws: readonly number[], problems: string[]): void {
  try {
    if (!isComplete(grid, pattern, draws.slice(0, ballIndex + 1))) {
      problems.push(`Award ${i}: card ${cardId} does not have ${pattern} after draw ${ballIndex}.`);
    }
    if (ballIndex !== opened && isComplete(grid, pattern, draws.slice(0, ballIndex))) {
      problems.push(`Award ${i}: card ${cardId} already had ${pattern} before draw ${ballIndex}.`);
    }
  } catch (error) {
    problems.push(`Award ${i}: card ${cardId} cannot be checked for ${pattern} (${(error as Error).message}).`);
  }
}

function sameGrid(a: ReadonlyGrid, b: ReadonlyGrid): boolean {
  return (
    Array.isArray(a) &&
    a.length === b.length &&
    b.every((row, r) => Array.isArray(a[r]) && a[r].length === row.length && row.every((n, c) => a[r][c] === n))
  );
}
