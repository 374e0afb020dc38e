import type { Award, GameSnapshot, WinnersMessage, WonMessage } from "../../shared/protocol";
import { cardsByPlayer, noticeOf, winsByPlayer } from "../../shared/game/award-notice";
import { fromSnapshot, mergeSnapshot, withWinners, withWon } from "../../web/common/game-state";
import { myWins } from "../../web/player/result-banner";

/**
 * Issue 15: an award reaches rooms with its first winners and their count; each player
 * learns of their own wins separately (`bingo:won`, snapshot `myWins`), and the pages keep
 * them whatever order they arrive in.
 */

const award: Award = {
  pattern: "line",
  ballIndex: 9,
  winners: [
    { playerId: "ana", cardId: 3 },
    { playerId: "ben", cardId: 5 },
    { playerId: "ana", cardId: 8 },
    { playerId: "cy", cardId: 12 },
  ],
  prizeEach: 250,
  remainder: 0,
};

describe("noticeOf", () => {
  test("lists the first `shown` winners in the record's order and counts them all", () => {
    expect(noticeOf(award, 2)).toEqual({ ...award, winners: award.winners.slice(0, 2), winnerCount: 4 });
    expect(noticeOf(award, 0)).toEqual({ ...award, winners: [], winnerCount: 4 });
  });

  test("a list within the bound is the award's own", () => {
    expect(noticeOf(award, 4).winners).toBe(award.winners);
    expect(noticeOf(award, 20)).toEqual({ ...award, winnerCount: 4 });
  });
});

describe("each player's wins", () => {
  test("cardsByPlayer: one entry per winning player, their cards in the record's order", () => {
    expect([...cardsByPlayer(award.winners)]).toEqual([
      ["ana", [3, 8]],
      ["ben", [5]],
      ["cy", [12]],
    ]);
  });

  test("winsByPlayer: over the awards in order, with each award's prize", () => {
    const later: Award = { pattern: "full-house", ballIndex: 40, winners: [{ playerId: "ana", cardId: 8 }], prizeEach: 900, remainder: 0 };
    const wins = winsByPlayer([award, later]);
    expect(wins.get("ana")).toEqual([
      { pattern: "line", cardId: 3, prizeEach: 250 },
      { pattern: "line", cardId: 8, prizeEach: 250 },
      { pattern: "full-house", cardId: 8, prizeEach: 900 },
    ]);
    expect(wins.get("dee")).toBeUndefined();
  });
});

describe("a page's wins", () => {
  const snapshot = {
    id: "g1",
    title: "t",
    variant: 75,
    phase: "running",
    commitment: "0".repeat(64),
    seed: null,
    patterns: ["line", "full-house"],
    prizes: [1000, 0],
    maxPerPlayer: 4,
    slots: { total: 10, remaining: 0, version: 3 },
    round: { draws: [], pattern: 0, paused: false, autoIntervalMs: null, awards: [], version: 5 },
    myCards: [],
    autoClaim: true,
    graceMs: 2000,
    currency: "EUR",
    next: null,
    myWins: [],
  } as unknown as GameSnapshot;
  const winners: WinnersMessage = { gameId: "g1", pattern: "line", ballIndex: 9, winners: [], winnerCount: 4, prizeEach: 250, version: 6 };
  const won: WonMessage = { gameId: "g1", pattern: "line", ballIndex: 9, cardIds: [3, 8], prizeEach: 250, version: 6 };

  test("bingo:won then winners: the award counts its winners and the player's cards are theirs", () => {
    const state = withWinners(withWon(fromSnapshot(snapshot), won), winners)!;
    expect(state.awards).toEqual([{ pattern: "line", ballIndex: 9, winners: [], winnerCount: 4, prizeEach: 250 }]);
    expect(myWins(state.awards, state.myWins)).toEqual([
      { cardId: 3, pattern: "line", ballIndex: 9, prizeEach: 250 },
      { cardId: 8, pattern: "line", ballIndex: 9, prizeEach: 250 },
    ]);
  });

  test("a win is kept once, whether it comes again by message or with a snapshot", () => {
    const once = withWon(fromSnapshot(snapshot), won);
    expect(withWon(once, won)).toBe(once);
    const rejoined = { ...snapshot, round: { ...snapshot.round, awards: [{ ...winners, remainder: 0 }], pattern: 1, version: 6 }, myWins: [{ pattern: "line" as const, cardId: 8, prizeEach: 250 }] };
    expect(mergeSnapshot(once, rejoined as GameSnapshot, 3).myWins).toEqual([
      { pattern: "line", cardId: 3, prizeEach: 250 },
      { pattern: "line", cardId: 8, prizeEach: 250 },
    ]);
  });

  test("a win whose award has not arrived yet is not shown until it does", () => {
    const state = withWon(fromSnapshot(snapshot), won);
    expect(myWins(state.awards, state.myWins)).toEqual([]);
  });
});
