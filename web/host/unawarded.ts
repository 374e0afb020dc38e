import { money, patternLabel } from "../common/format";
import type { GameState } from "../common/game-state";

/**
 * What ending the game now would leave unawarded, in the host's words: the confirmation
 * names every prize still in play, so nobody ends a show with full house unclaimed by mistake.
 */
export function unawardedText(state: GameState): string {
  const left = state.patterns.slice(state.awards.length).map((pattern, i) => {
    const prize = state.prizes[state.awards.length + i] ?? 0;
    return prize > 0 ? `${patternLabel(pattern)} (${money(prize, state.currency)})` : patternLabel(pattern);
  });
  const reveal = "Ending reveals the seed; the game cannot be resumed.";
  if (left.length === 0) return `Every prize has been awarded. ${reveal}`;
  const list = left.length === 1 ? left[0] : `${left.slice(0, -1).join(", ")} and ${left[left.length - 1]}`;
  const what = state.phase === "running" ? "Not won yet" : "The round has not started, so nothing is won yet";
  return `${what}: ${list}. Ending now awards nothing more. ${reveal}`;
}
