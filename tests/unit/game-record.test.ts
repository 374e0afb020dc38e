import { createHash } from "node:crypto";
import { cardGrid, drawOrder, type Grid } from "../../server/domain/cards";
import { commitmentOf } from "../../server/domain/fair-random";
import { verifyRecord, type Award, type PublicRecord } from "../../server/domain/game-record";
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

/**
 * Plays a game with cards 1..SOLD sold: pattern i is won on the first ball, no earlier than the
 * previous award's, on which some card completes it; every card completing it on that ball shares.
 */
function playGame(seed: string, variant: Variant, patterns: PatternName[], prizes: number[]): PublicRecord {
  const ids = Array.from({ length: SOLD }, (_, i) => i + 1);
  const awards: Award[] = [];
  let previous = 0;
  let carried = 0;
  patterns.forEach((pattern, i) => {
    const done = completions(seed, variant, pattern, ids);
    const ballIndex = Math.min(...[...done.values()].filter((k) => k >= previous));
    const winners = ids.filter((id) => done.get(id) === ballIndex).map((cardId) => ({ playerId: `player-${cardId % 5}`, cardId }));
    const { each, remainder } = splitPrize(prizes[i] + carried, winners.length);
    awards.push({ pattern, ballIndex, winners, prizeEach: each, remainder });
    carried = remainder;
    previous = ballIndex;
  });
  const cards: Record<string, Grid> = {};
  for (const { cardId } of awards.flatMap((award) => award.winners)) cards[cardId] = cardGrid(seed, variant, cardId);
  return {
    gameId: `game-${variant}`,
    variant,
    commitment: commitmentOf(seed),
    seed,
    draws: drawOrder(seed, variant).slice(0, previous + 1),
    patterns,
    prizes,
    awards,
    cards,
  };
}

const honest75 = playGame(SEED75, 75, ["line", "four-corners", "full-house"], [1000, 2000, 5000]);
const honest90 = playGame(SEED90, 90, ["one-line", "two-lines", "full-house"], [1001, 2000, 5000]);
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
    record.draws = record.draws.slice(0, record.awards[1].ballIndex + 3);
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
