import { cardGrid, drawOrder } from "../domain/cards";
import { recordIdOf } from "../domain/fair-random";
import type { PublicRecord } from "../domain/game-record";
import { wrongPhase } from "../domain/game-errors";
import type { GameStore, StoreResult } from "../ports/game-store";

/**
 * A finished game's public record (`GET /api/games/<id>/record`): commitment, seed, the
 * balls drawn with their times, the grace, the accepted calls, the awards with their times
 * and the winners' cards — what `scripts/verify-game` checks. Player ids are the `sub`s, or
 * their salted hashes when the game was created with `recordIds: "salted-hash"`.
 */
export async function publicRecord(store: GameStore, gameId: string): Promise<StoreResult<PublicRecord>> {
  const view = await store.view(gameId, "");
  if (!view.ok) return view;
  const game = view.value;
  if (game.phase !== "finished") return { ok: false, error: wrongPhase(game.phase) };
  const log = await store.roundLog(gameId);
  if (!log.ok) return log;
  const hashed = new Map<string, string>();
  const idOf = (sub: string): string => {
    if (game.recordIds === "sub") return sub;
    let id = hashed.get(sub);
    if (id === undefined) hashed.set(sub, (id = recordIdOf(game.seed, sub)));
    return id;
  };
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
      drawnAt: [...log.value.drawnAt],
      graceMs: game.graceMs,
      recordIds: game.recordIds,
      patterns: [...game.patterns],
      prizes: [...game.prizes],
      currency: game.currency,
      awards: game.awards.map((award) => ({ ...award, winners: award.winners.map((w) => ({ cardId: w.cardId, playerId: idOf(w.playerId) })) })),
      awardTimes: log.value.awardTimes.map((t) => ({ ...t })),
      calls: log.value.calls.map((entry) => ({ ...entry, cards: entry.cards.map((c) => ({ cardId: c.cardId, playerId: idOf(c.playerId) })) })),
      cards,
    },
  };
}
