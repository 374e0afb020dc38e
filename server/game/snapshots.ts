import type { GameSnapshot, RoundState } from "../../shared/protocol";
import type { StoredGame } from "../ports/game-store";
import type { GameRules } from "./game-rules";

export function roundOf(game: StoredGame, rules: GameRules): RoundState {
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
  return {
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
    myCards: game.cardIds.map((id) => ({ id, grid: rules.grid(id) })),
    autoClaim: game.autoClaim ?? true,
    graceMs: game.graceMs,
    currency: game.currency,
    next: game.next,
  };
}
