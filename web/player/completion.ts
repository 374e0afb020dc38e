import { isComplete } from "../../shared/game/patterns";
import type { Card } from "../../shared/protocol/state";
import type { GameState } from "../common/game-state";
import { patternInPlay } from "../common/game-state";

/** The player's cards that complete the pattern now in play with the balls drawn so far. */
export function completedCards(state: GameState, draws: readonly number[]): readonly Card[] {
  const pattern = patternInPlay(state);
  if (!pattern) return [];
  return state.cards.filter((card) => isComplete(card.grid, pattern, draws));
}
