import type { WinnersMessage } from "../../shared/protocol";

/** An award as a comparable string: its figures and the winners it lists, in their order (the record's). */
export function awardKey(m: Pick<WinnersMessage, "pattern" | "ballIndex" | "prizeEach" | "winnerCount" | "winners">): string {
  return `${m.pattern}@${m.ballIndex}:${m.prizeEach}:${m.winnerCount}:${m.winners.map((w) => `${w.playerId}#${w.cardId}`).join(",")}`;
}
