import type { Card, GameSnapshot, JoinedCard, JoinSnapshot, PlayerWin, RoundState } from "../../shared/protocol";
import { noticeOf, winsByPlayer } from "../../shared/game/award-notice";
import type { PlayerPart, SharedGame, StoredGame } from "../ports/game-store";
import type { GameRules } from "./game-rules";

/** The round as clients see it; `shown`: how many winners each award lists (AWARD_WINNERS_SHOWN). */
export function roundOf(game: SharedGame, rules: GameRules, shown: number): RoundState {
  return {
    draws: rules.order.slice(0, game.drawn),
    pattern: game.pattern,
    paused: game.paused,
    autoIntervalMs: game.autoIntervalMs,
    awards: game.awards.map((award) => noticeOf(award, shown)),
    version: game.roundVersion,
  };
}

/** What `playerId` sees of a game: their own cards with their grids and wins; the seed only once finished. */
export function snapshotOf(game: StoredGame, rules: GameRules, shown: number, playerId: string): GameSnapshot {
  const myWins = winsByPlayer(game.awards).get(playerId) ?? NO_WINS;
  return { ...sharedOf(game, rules, shown), myCards: cardsOf(game.cardIds, rules), autoClaim: game.autoClaim ?? true, myWins };
}

/**
 * Each player's snapshot of one game read: the shared part is made once (a batch of joins
 * shares it), then each player's cards, wins and auto-claim choice are added. A card named
 * in `known` (the client holds its grid: `knownCards` of game:join) goes without its grid,
 * which is the costliest part of a join to derive and to write.
 */
export function snapshotsOf(game: SharedGame, rules: GameRules, shown: number): (part: PlayerPart, known: readonly number[] | undefined, playerId: string) => JoinSnapshot {
  const shared = sharedOf(game, rules, shown);
  // Once per batch, and only if a join asks: a lookup per joiner, not a pass over the winners.
  let wins: Map<string, PlayerWin[]> | null = null;
  return ({ cardIds, autoClaim }, known, playerId) => {
    wins ??= winsByPlayer(game.awards);
    const myCards = known?.length ? cardsBut(cardIds, rules, known) : cardsOf(cardIds, rules);
    return { ...shared, myCards, autoClaim: autoClaim ?? true, myWins: wins.get(playerId) ?? NO_WINS };
  };
}

const NO_WINS: readonly PlayerWin[] = [];

function cardsOf(cardIds: readonly number[], rules: GameRules): Card[] {
  return cardIds.map((id) => ({ id, grid: rules.grid(id) }));
}

/** The cards, those in `known` without their grids. */
function cardsBut(cardIds: readonly number[], rules: GameRules, known: readonly number[]): JoinedCard[] {
  const held = new Set(known);
  return cardIds.map((id) => (held.has(id) ? { id } : { id, grid: rules.grid(id) }));
}

function sharedOf(game: SharedGame, rules: GameRules, shown: number): Omit<GameSnapshot, "myCards" | "autoClaim" | "myWins"> {
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
    round: roundOf(game, rules, shown),
    graceMs: game.graceMs,
    currency: game.currency,
    next: game.next,
  };
}
