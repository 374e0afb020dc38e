import { announcement, awardSentence, ballSentence } from "../../web/common/announcements";
import type { AwardView } from "../../web/common/game-state";

/** What the pages' live region says: the latest ball, each new award, nothing on a resync. */

const line: AwardView = { pattern: "line", ballIndex: 2, winners: [{ playerId: "ana", cardId: 7 }], winnerCount: 1, prizeEach: 1000 };
const shared: AwardView = { pattern: "full-house", ballIndex: 3, winners: [{ playerId: "ben", cardId: 3 }, { playerId: "cy", cardId: 9 }], winnerCount: 2, prizeEach: 2500 };
/** A crowd: the room heard the first two of 40 winning cards. */
const crowd: AwardView = { ...shared, winnerCount: 40, prizeEach: 125 };
const draws = [12, 40, 75, 5];

describe("ballSentence", () => {
  test("names the latest ball with its position and, in 75-ball, its letter", () => {
    expect(ballSentence(draws, 75)).toBe("Ball 4: B 5.");
    expect(ballSentence([90, 1], 90)).toBe("Ball 2: 1.");
  });
});

describe("awardSentence", () => {
  test("for the room: the pattern, the card(s) and the ball", () => {
    expect(awardSentence(line, draws, 75)).toBe("Line won by card 7 on O 75.");
    expect(awardSentence(shared, draws, 75)).toBe("Full house won by 2 cards: 3, 9 on B 5.");
  });

  test("for the winning player: You won, with the card and the prize", () => {
    expect(awardSentence(line, draws, 75, { wins: [{ pattern: "line", cardId: 7, prizeEach: 1000 }], holdsCards: true })).toBe("You won Line on card 7, 10.00!");
  });

  test("a crowd of winners is counted, not listed; a winner the list leaves out still hears You won", () => {
    expect(awardSentence(crowd, draws, 75)).toBe("Full house won by 40 cards on B 5.");
    expect(awardSentence(crowd, draws, 75, { wins: [], holdsCards: true })).toBe("Not this time: Full house went to 40 cards on B 5.");
    expect(awardSentence(crowd, draws, 75, { wins: [{ pattern: "full-house", cardId: 31, prizeEach: 125 }], holdsCards: true })).toBe("You won Full house on card 31, 1.25!");
  });

  test("for a player whose cards did not win: Not this time; for a player without cards: the room's sentence", () => {
    expect(awardSentence(line, draws, 75, { wins: [], holdsCards: true })).toBe("Not this time: Line went to card 7 on O 75.");
    expect(awardSentence(line, draws, 75, { wins: [], holdsCards: false })).toBe("Line won by card 7 on O 75.");
  });
});

describe("announcement", () => {
  test("says only the latest of several new balls", () => {
    expect(announcement({ draws: 1, awards: 0 }, draws, [], 75)).toBe("Ball 4: B 5.");
  });

  test("says a ball and the award it brought in one text, and every new award", () => {
    expect(announcement({ draws: 3, awards: 0 }, draws, [line, shared], 75)).toBe("Ball 4: B 5. Line won by card 7 on O 75. Full house won by 2 cards: 3, 9 on B 5.");
    expect(announcement({ draws: 4, awards: 1 }, draws, [line, shared], 75, { wins: [{ pattern: "full-house", cardId: 9, prizeEach: 2500 }], holdsCards: true })).toBe("You won Full house on card 9, 25.00!");
  });

  test("says nothing when nothing is new, or when the draws went back (a re-join)", () => {
    expect(announcement({ draws: 4, awards: 2 }, draws, [line, shared], 75)).toBeNull();
    expect(announcement({ draws: 10, awards: 0 }, draws, [line], 75)).toBeNull();
  });
});
