import { cardGrid, drawOrder } from "../domain/cards";
import type { PublicRecord } from "../domain/game-record";
import { wrongPhase } from "../domain/game-errors";
import type { GameStore, StoreResult } from "../ports/game-store";

/**
 * A finished game's public record (`GET /api/games/<id>/record`): commitment, seed, the
 * balls drawn, the awards and the winners' cards — what `scripts/verify-game` checks.
 */
export async function publicRecord(store: GameStore, gameId: string): Promise<StoreResult<PublicRecord>> {
  const view = await store.view(gameId, "");
  if (!view.ok) return view;
  const game = view.value;
  if (game.phase !== "finished") return { ok: false, error: wrongPhase(game.phase) };
  const cards: PublicRecord["cards"] = {};
  for (const award of game.awards) {
    for (const { cardId } of award.winners) cards[cardId] = cardGrid(game.seed, game.variant, cardId);
  }
  return {
    ok: true,
    value: {
      gameId,
      variant: game.variant,
      commitment: game.commitment,
      seed: game.seed,
      draws: drawOrder(game.seed, game.variant).slice(0, game.drawn),
      patterns: [...game.patterns],
      prizes: [...game.prizes],
      awards: game.awards.map((award) => ({ ...award, winners: award.winners.map((w) => ({ ...w })) })),
      cards,
    },
  };
}
