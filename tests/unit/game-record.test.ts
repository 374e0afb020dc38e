import { createHash } from "node:crypto";
import { cardGrid, drawOrder, type Grid } from "../../server/domain/cards";
import { commitmentOf } from "../../server/domain/fair-random";
import { verifyRecord, type Award, type PublicRecord } from "../../server/domain/game-record";
import { CHECK_TITLES, RECORD_CHECKS, recordChecks, type CheckResult } from "../../shared/game/verify-record";
import { completionIndex, drawPositions, type PatternName } from "../../server/domain/patterns";
import { splitPrize } from "../../server/domain/prize-split";
import type { Variant } from "../../shared/protocol/state";

/** Seeds picked so the first two awards each have several winners (asserted below), so remainders roll over. */
const seedOf = (text: string): string => createHash("sha256").update(text).digest("hex");
const SEED75 = seedOf("bingo record seed 7");
const SEED90 = seedOf("bingo record seed 5");
const SOLD = 200;

/** When each card completes each pattern, for the cards 1..count. */
function completions(seed: string, variant: Variant, pattern: PatternName, ids: number[]): Map<number, number> {
  const positions = drawPositions(drawOrder(seed, variant));
  return new Map(ids.map((id) => [id, completionIndex(cardGrid(seed, variant, id), pattern, positions)]));
}

const FIRST_DRAW_AT = 10_000;
const DRAW_MS = 1000;
const GRACE_MS = 1500;
const drawTime = (i: number): number => FIRST_DRAW_AT + i * DRAW_MS;
const playerOf = (cardId: number): string => `player-${cardId % 5}`;

/**
 * Plays a game with cards 1..SOLD sold, a ball every second and a grace of 1.5 seconds:
 * pattern i comes into play when pattern i-1 is awarded, and a card already complete then
 * counts as completing on the last ball drawn then. Every card completing the pattern on the
 * earliest ball calls (auto-claim) and shares the award, made when that ball's window closes
 * (grace after the next ball, but at most grace after the pattern's first call: patterns 0
 * and 2 close on their first call, before the next ball's grace runs out); up to two cards
 * completing one ball later call by hand (valid, but too late to win). Pattern 1's winners
 * call after the next ball, so its window closes grace after that ball.
 */
function playGame(seed: string, variant: Variant, patterns: PatternName[], prizes: number[]): PublicRecord {
  const ids = Array.from({ length: SOLD }, (_, i) => i + 1);
  const awards: Award[] = [];
  const awardTimes: PublicRecord["awardTimes"] = [];
  const calls: PublicRecord["calls"] = [];
  let from = -1;
  let openedAt = 0;
  let carried = 0;
  patterns.forEach((pattern, i) => {
    const done = completions(seed, variant, pattern, ids);
    const on = (id: number): number => Math.max(done.get(id)!, from);
    const ballIndex = Math.min(...ids.map(on));
    const winners = ids.filter((id) => on(id) === ballIndex).map((cardId) => ({ playerId: playerOf(cardId), cardId }));
    const callAt = Math.max(drawTime(ballIndex) + (i === 1 ? DRAW_MS : 0), openedAt) + 100;
    calls.push({ at: callAt, pattern: i, ballIndex, auto: true, cards: winners.map((w) => ({ ...w })) });
    const later = ids.filter((id) => on(id) === ballIndex + 1).slice(0, 2);
    if (later.length > 0) {
      const cards = later.map((cardId) => ({ playerId: playerOf(cardId), cardId }));
      calls.push({ at: Math.max(drawTime(ballIndex + 1), openedAt) + 200, pattern: i, ballIndex: ballIndex + 1, auto: false, cards });
    }
    const { each, remainder } = splitPrize(prizes[i] + carried, winners.length);
    awards.push({ pattern, ballIndex, winners, prizeEach: each, remainder });
    // Made when ball ballIndex's window closes.
    openedAt = Math.min(drawTime(ballIndex + 1) + GRACE_MS, callAt + GRACE_MS + 1);
    const drawn = Math.floor((openedAt - FIRST_DRAW_AT) / DRAW_MS) + 1;
    awardTimes.push({ at: openedAt, drawn });
    from = drawn - 1;
    carried = remainder;
  });
  const cards: Record<string, Grid> = {};
  for (const { cardId } of awards.flatMap((award) => award.winners)) cards[cardId] = cardGrid(seed, variant, cardId);
  const drawn = awardTimes[awardTimes.length - 1].drawn;
  return {
    gameId: `game-${variant}`,
    variant,
    commitment: commitmentOf(seed),
    seed,
    draws: drawOrder(seed, variant).slice(0, drawn),
    drawnAt: Array.from({ length: drawn }, (_, i) => drawTime(i)),
    graceMs: GRACE_MS,
    recordIds: "sub",
    patterns,
    prizes,
    awards,
    awardTimes,
    calls,
    cards,
  };
}

const honest75 = playGame(SEED75, 75, ["line", "four-corners", "full-house"], [1000, 2000, 5000]);
const honest90 = playGame(SEED90, 90, ["one-line", "two-lines", "full-house"], [1001, 2000, 5000]);
/** A line after the full house: every card with a full house already has a line when it comes into play. */
const honestBackwards = playGame(SEED75, 75, ["full-house", "line"], [1000, 1000]);
/** A fresh copy of an honest record for each test to tamper with. */
const record75 = (): PublicRecord => structuredClone(honest75);
const record90 = (): PublicRecord => structuredClone(honest90);

function problemsOf(record: PublicRecord): string[] {
  const verdict = verifyRecord(record);
  return verdict.ok ? [] : verdict.problems;
}

/** The first card id beyond the sold ones whose completion index of `pattern` passes `wanted`. */
function cardCompleting(record: PublicRecord, pattern: PatternName, wanted: (index: number) => boolean): number {
  const positions = drawPositions(drawOrder(record.seed, record.variant));
  for (let id = SOLD + 1; id <= SOLD + 20_000; id++) {
    if (wanted(completionIndex(cardGrid(record.seed, record.variant, id), pattern, positions))) return id;
  }
  throw new Error(`no card completes ${pattern} as wanted`);
}

describe("verifyRecord accepts an honest game", () => {
  it.each([
    ["75-ball", record75],
    ["90-ball", record90],
  ])("%s record built from the seed", (_name, build) => {
    const record = build();
    expect(record.awards).toHaveLength(3);
    expect(record.awards[0].winners.length).toBeGreaterThan(1);
    expect(record.awards[1].winners.length).toBeGreaterThan(1);
    expect(record.awards[0].remainder).toBeGreaterThan(0);
    expect(verifyRecord(record)).toEqual({ ok: true });
  });

  it("with the remainders rolled over from pattern to pattern", () => {
    const [line, corners, house] = record75().awards;
    expect([line.prizeEach, line.remainder]).toEqual([333, 1]); // 1000 over 3
    expect([corners.prizeEach, corners.remainder]).toEqual([1000, 1]); // 2000 + 1 over 2
    expect([house.prizeEach, house.remainder]).toEqual([5001, 0]); // 5000 + 1 over 1
  });

  it("when it stopped early: fewer awards than patterns, as a prefix", () => {
    const record = record90();
    record.awards = record.awards.slice(0, 2);
    record.awardTimes = record.awardTimes.slice(0, 2);
    record.calls = record.calls.filter((entry) => entry.pattern < 2);
    record.draws = record.draws.slice(0, record.awards[1].ballIndex + 3);
    record.drawnAt = record.drawnAt.slice(0, record.draws.length);
    expect(verifyRecord(record)).toEqual({ ok: true });
  });
});

describe("verifyRecord rejects tampering", () => {
  it("a different seed: the commitment, draws and cards no longer match", () => {
    const record = record75();
    record.seed = seedOf("another seed");
    const problems = problemsOf(record);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/commitment/),
        expect.stringMatching(/draw order/),
        expect.stringMatching(/not the card the seed generates/),
      ]),
    );
  });

  it("a changed commitment", () => {
    const record = record90();
    record.commitment = commitmentOf(seedOf("another seed"));
    expect(problemsOf(record)).toEqual([expect.stringMatching(/^The commitment .* is not the SHA-256 of the seed/)]);
  });

  it("a seed that is not 64 lowercase hex characters, without throwing", () => {
    const record = record75();
    record.seed = record.seed.toUpperCase();
    expect(problemsOf(record)).toContain("The seed is not 64 lowercase hex characters, so nothing can be derived from it.");
  });

  it("two draws swapped", () => {
    const record = record75();
    [record.draws[0], record.draws[1]] = [record.draws[1], record.draws[0]];
    expect(problemsOf(record)).toContainEqual(expect.stringMatching(/not the seed's draw order at 2 position\(s\): draw 0 is/));
  });

  it("a ball drawn twice", () => {
    const record = record75();
    record.draws.push(record.draws[0]);
    expect(problemsOf(record)).toContainEqual(expect.stringMatching(new RegExp(`^Ball ${record.draws[0]} is drawn twice, at draws 0 and`)));
  });

  it("an award moved one ball later: its winners completed one ball earlier", () => {
    const record = record75();
    record.awards[0].ballIndex += 1;
    const problems = problemsOf(record);
    for (const { cardId } of record.awards[0].winners) {
      expect(problems).toContain(`Award 0: card ${cardId} already had line before draw ${record.awards[0].ballIndex}.`);
    }
  });

  it("an award moved one ball earlier: its winners complete one ball later", () => {
    const record = record90();
    record.awards[1].ballIndex -= 1;
    const problems = problemsOf(record);
    for (const { cardId } of record.awards[1].winners) {
      expect(problems).toContain(`Award 1: card ${cardId} does not have two-lines after draw ${record.awards[1].ballIndex}.`);
    }
  });

  it.each([
    ["one ball earlier", -1, "already had"],
    ["one ball later", 1, "does not have"],
  ])("an extra winner whose card completed %s", (_name, offset, wording) => {
    const record = record75();
    const award = record.awards[0];
    const cardId = cardCompleting(record, "line", (index) => index === award.ballIndex + offset);
    award.winners.push({ playerId: "cheat", cardId });
    record.cards[cardId] = cardGrid(record.seed, 75, cardId);
    const problems = problemsOf(record);
    expect(problems).toContainEqual(expect.stringContaining(`Award 0: card ${cardId} ${wording} line`));
    expect(problems).toContain("Award 0 pays 333 each, but a pool of 1000 split among 4 winner(s) is 250 each.");
  });

  it("a changed card cell", () => {
    const record = record90();
    const cardId = record.awards[2].winners[0].cardId;
    const grid = record.cards[cardId];
    const c = grid[0].findIndex((n) => n !== 0);
    grid[0][c] = grid[0][c] === 90 ? 89 : grid[0][c] + 1;
    expect(problemsOf(record)).toContain(`Card ${cardId} as published is not the card the seed generates for id ${cardId}.`);
  });

  it("a winner whose card is not published", () => {
    const record = record75();
    const cardId = record.awards[1].winners[0].cardId;
    delete record.cards[cardId];
    expect(problemsOf(record)).toEqual([`Award 1's winning card ${cardId} is not among the published cards.`]);
  });

  it("a wrong prizeEach", () => {
    const record = record75();
    record.awards[2].prizeEach = 5000;
    expect(problemsOf(record)).toEqual(["Award 2 pays 5000 each, but a pool of 5001 split among 1 winner(s) is 5001 each."]);
  });

  it("a remainder not rolled over", () => {
    const record = record75();
    const award = record.awards[1];
    const unrolled = splitPrize(record.prizes[1], award.winners.length);
    award.prizeEach = unrolled.each;
    award.remainder = unrolled.remainder;
    expect(problemsOf(record)).toEqual(["Award 1 leaves a remainder of 0, but a pool of 2001 split among 2 winner(s) leaves 1."]);
  });

  it("a wrong remainder, reported once: the next pool is checked with the right one", () => {
    const record = record90();
    record.awards[0].remainder += 1;
    expect(problemsOf(record)).toEqual(["Award 0 leaves a remainder of 2, but a pool of 1001 split among 2 winner(s) leaves 1."]);
  });

  it("awards out of pattern order", () => {
    const record = record90();
    [record.awards[0], record.awards[1]] = [record.awards[1], record.awards[0]];
    const problems = problemsOf(record);
    expect(problems).toContain("Award 0 is for two-lines but pattern 0 is one-line.");
    expect(problems).toContain("Award 1 is for one-line but pattern 1 is two-lines.");
  });

  it("an award with no winners", () => {
    const record = record75();
    record.awards[0].winners = [];
    expect(problemsOf(record)).toContain("Award 0 (line) has no winners.");
  });

  it("an award on a ball that was never drawn", () => {
    const record = record75();
    record.draws = record.draws.slice(0, record.awards[2].ballIndex);
    expect(problemsOf(record)).toContain(`Award 2 is at draw ${record.awards[2].ballIndex}, which is not one of the ${record.draws.length} draws.`);
  });

  it("more awards than patterns, and patterns of the other variant", () => {
    const record = record90();
    record.patterns = ["one-line", "line"];
    record.prizes = [1001, 2000];
    const problems = problemsOf(record);
    expect(problems).toContain("There are 3 awards for 2 patterns.");
    expect(problems).toContain("Pattern 1 (line) is not a 90-ball pattern.");
  });

  it("a card of the wrong shape, without throwing", () => {
    const record = record75();
    const cardId = record.awards[0].winners[0].cardId;
    record.cards[cardId] = [[1, 2]];
    const problems = problemsOf(record);
    expect(problems).toContain(`Card ${cardId} as published is not the card the seed generates for id ${cardId}.`);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^Award 0: card ${cardId} cannot be checked for line`)));
  });
});

describe("verifyRecord with patterns that do not contain each other", () => {
  it("refuses four corners to a card that completed them before the line was won (it won on exactly that ball or not at all)", () => {
    const record = record75();
    const line = record.awards[0];
    const cardId = cardCompleting(record, "four-corners", (index) => index < line.ballIndex);
    const corners = record.awards[1];
    corners.winners.push({ playerId: "early", cardId });
    record.cards[cardId] = cardGrid(record.seed, 75, cardId);
    expect(problemsOf(record)).toContainEqual(`Award 1: card ${cardId} already had four-corners before draw ${corners.ballIndex}.`);
  });
});

describe("awards never go back in the draw", () => {
  it("a card already complete when its pattern comes into play counts on the ball at which it came into play", () => {
    const record = structuredClone(honestBackwards);
    const [house, line] = record.awards;
    const opened = record.awardTimes[0].drawn - 1;
    expect(line.ballIndex).toBe(opened);
    expect(line.ballIndex).toBeGreaterThan(house.ballIndex);
    expect(line.winners.length).toBeGreaterThan(1);
    expect(verifyRecord(record)).toEqual({ ok: true });
  });

  it("refuses a line awarded on the ball its winners completed it, before it came into play", () => {
    const record = structuredClone(honestBackwards);
    const line = record.awards[1];
    const positions = drawPositions(record.draws);
    line.ballIndex = Math.min(...line.winners.map((w) => completionIndex(cardGrid(record.seed, 75, w.cardId), "line", positions)));
    expect(problemsOf(record)).toContain(`Award 1 is at draw ${line.ballIndex}, before line came into play at draw ${record.awardTimes[0].drawn - 1}.`);
  });
});

describe("verifyRecord recomputes the awards from the accepted calls", () => {
  /** The record's entry of pattern `p`'s winning calls (auto) and of its later-ball calls (by hand). */
  const winningEntry = (record: PublicRecord, p: number) => record.calls.find((e) => e.pattern === p && e.ballIndex === record.awards[p].ballIndex)!;
  const laterEntry = (record: PublicRecord, p: number) => record.calls.find((e) => e.pattern === p && e.ballIndex === record.awards[p].ballIndex + 1)!;

  it("the honest record holds later-ball calls that do not win, and a winning call made in the grace after the next ball", () => {
    const record = record75();
    expect(laterEntry(record, 0).cards.length).toBeGreaterThan(0);
    const winning = winningEntry(record, 1);
    expect(winning.at).toBeGreaterThan(record.drawnAt[record.awards[1].ballIndex + 1]);
    expect(verifyRecord(record)).toEqual({ ok: true });
  });

  it("a winner whose call was removed", () => {
    const record = record75();
    const entry = winningEntry(record, 0);
    const [dropped] = entry.cards.splice(0, 1);
    expect(problemsOf(record)).toEqual([`Award 0 (line) lists card ${dropped.cardId}, which has no valid call on ball ${record.awards[0].ballIndex}.`]);
  });

  it("a valid call on the winning ball left out of the award", () => {
    const record = record75();
    const award = record.awards[0];
    const [left] = award.winners.splice(0, 1);
    const pool = record.prizes[0];
    award.prizeEach = splitPrize(pool, award.winners.length).each;
    award.remainder = splitPrize(pool, award.winners.length).remainder;
    record.awards[1].prizeEach = splitPrize(record.prizes[1] + award.remainder, record.awards[1].winners.length).each;
    record.awards[1].remainder = splitPrize(record.prizes[1] + award.remainder, record.awards[1].winners.length).remainder;
    record.awards[2].prizeEach = splitPrize(record.prizes[2] + record.awards[1].remainder, 1).each;
    expect(problemsOf(record)).toContain(`Award 0 (line) leaves out card ${left.cardId} of ${left.playerId}, a valid call on ball ${award.ballIndex}.`);
  });

  it("an award given to the later ball's callers", () => {
    const record = record75();
    const later = laterEntry(record, 0);
    record.awards[0].ballIndex += 1;
    record.awards[0].winners = later.cards.map((c) => ({ ...c }));
    expect(problemsOf(record)).toContain(`Award 0 (line) is on ball ${record.awards[0].ballIndex}, but the earliest valid call is on ball ${record.awards[0].ballIndex - 1}.`);
  });

  it("a call moved past its window", () => {
    const record = record75();
    const entry = winningEntry(record, 1);
    const closes = record.drawnAt[entry.ballIndex + 1] + record.graceMs;
    entry.at = closes; // still no later than the award, made as the window closed
    const problems = problemsOf(record);
    const k = record.calls.indexOf(entry);
    expect(problems).toContain(`The auto-claim call on card ${entry.cards[0].cardId} for four-corners (entry ${k}) at ${closes} was too late: ball ${entry.ballIndex}'s window closed at ${closes}.`);
    // The award then belongs to the later ball's caller.
    expect(problems).toContain(`Award 1 (four-corners) is on ball ${entry.ballIndex}, but the earliest valid call is on ball ${entry.ballIndex + 1}.`);
  });

  it("a call later than grace after the pattern's first call is too late, though the next ball's grace has not run out", () => {
    const record = record75();
    const first = winningEntry(record, 0);
    const later = laterEntry(record, 0);
    const closes = first.at + record.graceMs + 1;
    expect(closes).toBeLessThan(record.drawnAt[later.ballIndex + 1] + record.graceMs);
    later.at = closes;
    const k = record.calls.indexOf(later);
    expect(problemsOf(record)).toContain(`The call on card ${later.cards[0].cardId} for line (entry ${k}) at ${closes} was too late: ball ${later.ballIndex}'s window closed at ${closes}.`);
    later.at = closes - 1; // the last ms of the window still counts
    expect(problemsOf(record)).toEqual([]);
  });

  it("a smaller grace: a call made in the grace becomes too late", () => {
    const record = record75();
    record.graceMs = 50;
    const entry = winningEntry(record, 1);
    expect(problemsOf(record)).toContainEqual(expect.stringContaining(`The auto-claim call on card ${entry.cards[0].cardId} for four-corners`));
    expect(problemsOf(record)).toContainEqual(expect.stringContaining("was too late"));
  });

  it("a larger grace: the awards were made before their windows closed", () => {
    const record = record75();
    record.graceMs = 2000;
    expect(problemsOf(record)).toContain(`Award 0 (line) was made at ${record.awardTimes[0].at}, before ball ${record.awards[0].ballIndex}'s window closed.`);
  });

  it("a draw time moved after the calls on its ball", () => {
    const record = record90();
    const ballIndex = record.awards[0].ballIndex;
    record.drawnAt[ballIndex] = winningEntry(record, 0).at + 1;
    expect(problemsOf(record)).toContainEqual(expect.stringMatching(new RegExp(`was made before ball ${ballIndex} was drawn`)));
  });

  it("draw times out of order, or missing", () => {
    const record = record90();
    [record.drawnAt[3], record.drawnAt[4]] = [record.drawnAt[4], record.drawnAt[3]];
    expect(problemsOf(record)).toContain(`Draw 4 is timed ${record.drawnAt[4]}, before draw 3 (${record.drawnAt[3]}).`);
    record.drawnAt.pop();
    expect(problemsOf(record)).toContain(`There are ${record.draws.length - 1} draw times for ${record.draws.length} draws.`);
  });

  it("an award time that the draw times contradict (so the next pattern came into play elsewhere)", () => {
    const record = record75();
    record.awardTimes[0].drawn += 1;
    expect(problemsOf(record)).toContain(`Award 0 is timed ${record.awardTimes[0].at} with ${record.awardTimes[0].drawn} balls drawn, which the draw times contradict.`);
  });

  it("award times missing", () => {
    const record = record75();
    record.awardTimes.pop();
    expect(problemsOf(record)).toContain("There are 2 award times for 3 awards.");
  });

  it("a call recorded on another ball than its card completes on", () => {
    const record = record90();
    const entry = laterEntry(record, 0) ?? winningEntry(record, 0);
    entry.ballIndex += 1;
    expect(problemsOf(record)).toContainEqual(expect.stringMatching(new RegExp(`is recorded on ball ${entry.ballIndex}, but the card completes it on ball ${entry.ballIndex - 1}`)));
  });

  it("a winner's player id changed", () => {
    const record = record75();
    const winner = record.awards[2].winners[0];
    const caller = winner.playerId;
    winner.playerId = "someone-else";
    expect(problemsOf(record)).toEqual([`Award 2 (full-house) names someone-else for card ${winner.cardId}, which ${caller} called.`]);
  });

  it("a card that does not complete its pattern, recorded as a call", () => {
    const record = record75();
    const cardId = cardCompleting(record, "full-house", (index) => index >= record.draws.length);
    const entry = winningEntry(record, 2);
    entry.cards.push({ playerId: "bluff", cardId });
    const k = record.calls.indexOf(entry);
    expect(problemsOf(record)).toEqual([`The auto-claim call on card ${cardId} for full-house (entry ${k}) is accepted, but the card does not complete full-house within the draws.`]);
  });

  it("calls for a pattern that was never awarded", () => {
    const record = record75();
    record.awards.pop();
    record.awardTimes.pop();
    expect(problemsOf(record)).toContain("Pattern 2 (full-house) has valid calls but no award.");
  });

  it("a call recorded twice, and entries out of store order", () => {
    const record = record75();
    record.calls.push(structuredClone(record.calls[0]));
    const problems = problemsOf(record);
    expect(problems).toContain(`Card ${record.calls[0].cards[0].cardId}'s line call is recorded twice.`);
    expect(problems).toContain(`Call entry ${record.calls.length - 1} is timed ${record.calls[0].at}, before the entry above it.`);
  });

  it("a call timed after its pattern was awarded, or before it came into play", () => {
    const record = record75();
    const later = laterEntry(record, 0);
    later.at = record.awardTimes[0].at + 1;
    expect(problemsOf(record)).toContain(`Call entry 1 (line) at ${later.at} was made after line was awarded.`);
    const corners = winningEntry(record, 1);
    corners.at = record.awardTimes[0].at - 1;
    expect(problemsOf(record)).toContain(`Call entry 2 (four-corners) at ${corners.at} was made before four-corners came into play.`);
  });
});

describe("recordChecks: the same verifier check by check, as the record page shows it", () => {
  const passed = (results: readonly CheckResult[]): Record<string, boolean> =>
    Object.fromEntries(results.map((r) => [r.check, r.ran && r.problems.length === 0]));

  it("passes every check of an honest record, in the documented order, each with a title", () => {
    const results = recordChecks(record90());
    expect(results.map((r) => r.check)).toEqual([...RECORD_CHECKS]);
    expect(results.every((r) => r.ran && r.problems.length === 0)).toBe(true);
    for (const check of RECORD_CHECKS) expect(CHECK_TITLES[check]).toMatch(/\.$/);
  });

  it("puts a tampering under the check it breaks, and verifyRecord reports the same problems in the same order", () => {
    const record = record75();
    [record.draws[0], record.draws[1]] = [record.draws[1], record.draws[0]];
    const results = recordChecks(record);
    expect(passed(results)).toMatchObject({ variant: true, commitment: true, draws: false, cards: true, patterns: true });
    expect(results.find((r) => r.check === "draws")!.problems[0]).toContain("The draws are not the seed's draw order at 2 position(s)");
    expect(problemsOf(record)).toEqual(results.flatMap((r) => r.problems));
  });

  it("fails the commitment alone when another seed's commitment is published", () => {
    const record = record75();
    record.commitment = commitmentOf(SEED90);
    expect(passed(recordChecks(record))).toEqual({ variant: true, commitment: false, draws: true, cards: true, patterns: true, awards: true, times: true, calls: true });
  });

  it("leaves the calls unchecked when the seed or the times cannot be trusted", () => {
    const badSeed = record75();
    badSeed.seed = "not a seed";
    const calls = recordChecks(badSeed).find((r) => r.check === "calls")!;
    expect(calls).toEqual({ check: "calls", ran: false, problems: [] });
    expect(verifyRecord(badSeed).ok).toBe(false);

    const badTimes = record75();
    badTimes.drawnAt = badTimes.drawnAt.slice(1);
    expect(recordChecks(badTimes).find((r) => r.check === "calls")!.ran).toBe(false);
  });

  it("stops at the variant when it is neither 75 nor 90", () => {
    const record = record75() as unknown as { variant: number };
    record.variant = 80;
    const results = recordChecks(record as unknown as PublicRecord);
    expect(results[0]).toEqual({ check: "variant", ran: true, problems: ["The variant 80 is neither 75 nor 90."] });
    expect(results.slice(1).every((r) => !r.ran)).toBe(true);
  });
});
