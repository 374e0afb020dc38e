import type { Card, GameSnapshot, JoinedCard, JoinSnapshot, RoundState } from "../../shared/protocol";
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
  return { ...sharedOf(game, rules), myCards: cardsOf(game.cardIds, rules), autoClaim: game.autoClaim ?? true };
}

/**
 * Each player's snapshot of one game read: the shared part is made once (a batch of joins
 * shares it), then each player's cards and auto-claim choice are added. A card named in
 * `known` (the client holds its grid: `knownCards` of game:join) goes without its grid,
 * which is the costliest part of a join to derive and to write.
 */
export function snapshotsOf(game: SharedGame, rules: GameRules): (part: PlayerPart, known?: readonly number[]) => JoinSnapshot {
  const shared = sharedOf(game, rules);
  return ({ cardIds, autoClaim }, known) => ({ ...shared, myCards: known?.length ? cardsBut(cardIds, rules, known) : cardsOf(cardIds, rules), autoClaim: autoClaim ?? true });
}

function cardsOf(cardIds: readonly number[], rules: GameRules): Card[] {
  return cardIds.map((id) => ({ id, grid: rules.grid(id) }));
}

/** The cards, those in `known` without their grids. */
function cardsBut(cardIds: readonly number[], rules: GameRules, known: readonly number[]): JoinedCard[] {
  const held = new Set(known);
  return cardIds.map((id) => (held.has(id) ? { id } : { id, grid: rules.grid(id) }));
}

function sharedOf(game: SharedGame, rules: GameRules): Omit<GameSnapshot, "myCards" | "autoClaim"> {
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
    graceMs: game.graceMs,
    currency: game.currency,
    next: game.next,
  };
}
