import type { GameSnapshot, RoundState } from "../../shared/protocol";
import type { PlayerPart, SharedGame, StoredGame } from "../ports/game-store";
import type { GameRules } from "./game-rules";

export function roundOf(game: SharedGame, rules: GameRules): RoundState {
  return {
    draws: rules.order.slice(0, game.drawn),
    pattern: game.pattern,
    paused: game.paused,
    autoIntervalMs: game.autoIntervalMs,
    awards: game.awards,
    version: game.roundVersion,
  };
}

/** What a client sees of a game: its own cards with their grids; the seed only once finished. */
export function snapshotOf(game: StoredGame, rules: GameRules): GameSnapshot {
  return snapshotsOf(game, rules)(game);
}

/**
 * Each player's snapshot of one game read: the shared part is made once (a batch of joins
 * shares it), then each player's cards and auto-claim choice are added.
 */
export function snapshotsOf(game: SharedGame, rules: GameRules): (part: PlayerPart) => GameSnapshot {
  const shared = {
    id: game.id,
    title: game.title,
    variant: game.variant,
    phase: game.phase,
    commitment: game.commitment,
    seed: game.phase === "finished" ? game.seed : null,
    patterns: game.patterns,
    prizes: game.prizes,
    maxPerPlayer: game.maxPerPlayer,
    slots: game.slots,
    round: roundOf(game, rules),
    graceMs: game.graceMs,
    currency: game.currency,
    next: game.next,
  };
  return ({ cardIds, autoClaim }) => ({ ...shared, myCards: cardIds.map((id) => ({ id, grid: rules.grid(id) })), autoClaim: autoClaim ?? true });
}
