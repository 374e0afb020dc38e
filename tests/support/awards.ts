import type { Card, PatternName } from "../../shared/protocol";
import { completionIndex, drawPositions } from "../../server/domain/patterns";

/** A card sold in a test game and who holds it. */
export interface SoldCard {
  readonly playerId: string;
  readonly card: Card;
}

/**
 * What the rules award for `pattern` when every holder calls in time (auto-claim on): the
 * earliest ball on which any sold card completes it, and every card completing it on that
 * ball, ordered by card id as the record lists them. A card already complete when the
 * pattern came into play (the last ball drawn then: `from`) counts on that ball.
 */
export function firstCompleters(
  sold: readonly SoldCard[],
  pattern: PatternName,
  draws: readonly number[],
  from = -1,
): { ballIndex: number; winners: { playerId: string; cardId: number }[] } {
  const positions = drawPositions(draws);
  const at = sold.map(({ card }) => Math.max(completionIndex(card.grid, pattern, positions), from));
  const ballIndex = Math.min(...at);
  const winners = sold.filter((_, i) => at[i] === ballIndex).map(({ playerId, card }) => ({ playerId, cardId: card.id }));
  return { ballIndex, winners: winners.sort((a, b) => a.cardId - b.cardId) };
}
