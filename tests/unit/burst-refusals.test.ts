import { classifyRefusals } from "../../scripts/loadtest/bingo-burst";

/**
 * The bingo burst sorts refused calls by the claim window's rule on the store's own times
 * (the public record), never on the nodes' emit stamps, which come after the store's time.
 */
describe("the bingo burst's refusal classes", () => {
  // Draws at store times 1,000, 2,000, 3,000, 4,000; grace 500 ms: ball 0's window closes at 2,500.
  const record = { drawnAt: [1000, 2000, 3000, 4000], graceMs: 500, calls: [] };
  /** One refused call: [card, ball, sent, answered]. */
  const refused = (ball: number, answeredAt: number) => ({ refusedCalls: [1, ball, answeredAt - 10, answeredAt] });

  test("a call answered after its window closed by the store's times is late, whatever a later emit stamp said", () => {
    expect(classifyRefusals([refused(0, 2500), refused(0, 2900)], 2, record)).toEqual({ refusedLaterBall: 0, refusedLate: 2, wronglyRefused: 0 });
  });

  test("a call refused while its window was still open is counted as wrongly refused", () => {
    expect(classifyRefusals([refused(0, 2499), refused(2, 4100)], 2, record)).toEqual({ refusedLaterBall: 0, refusedLate: 0, wronglyRefused: 2 });
  });

  test("the window closes no later than grace (+1 ms) after the pattern's first accepted call", () => {
    const firstCallAt = { ...record, calls: [{ at: 1200, pattern: 0, ballIndex: 0, auto: false, cards: [{ playerId: "p", cardId: 2 }] }] };
    expect(classifyRefusals([refused(0, 1700), refused(0, 1701)], 2, firstCallAt)).toEqual({ refusedLaterBall: 0, refusedLate: 1, wronglyRefused: 1 });
  });

  test("calls for a later ball than the award's are the rule's, and the last ball's window has no end yet", () => {
    expect(classifyRefusals([refused(3, 99_999), refused(2, 4100)], 2, record)).toEqual({ refusedLaterBall: 1, refusedLate: 0, wronglyRefused: 1 });
    expect(classifyRefusals([refused(3, 99_999)], 3, record)).toEqual({ refusedLaterBall: 0, refusedLate: 0, wronglyRefused: 1 });
  });
});
