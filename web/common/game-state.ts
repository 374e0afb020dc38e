import type { AwardNotice, Card, FinishedMessage, GameSnapshot, PatternName, Phase, PhaseMessage, PlayerWin, Variant, WinnersMessage, Winner, WonMessage } from "../../shared/protocol/state";

/** An award as the pages show it (the `winners` message has no remainder): its first winners and how many there are. */
export interface AwardView {
  readonly pattern: PatternName;
  readonly ballIndex: number;
  readonly winners: readonly Winner[];
  readonly winnerCount: number;
  readonly prizeEach: number;
}

/**
 * What a page knows about its game, from the join snapshot and the room's events.
 * Slots and draws are not here: the SDK keeps them version-ordered and gap-free.
 */
export interface GameState {
  readonly id: string;
  readonly title: string;
  readonly variant: Variant;
  readonly phase: Phase;
  readonly paused: boolean;
  readonly autoIntervalMs: number | null;
  readonly commitment: string;
  readonly seed: string | null;
  readonly patterns: readonly PatternName[];
  readonly prizes: readonly number[];
  readonly maxPerPlayer: number;
  /** Index into `patterns` of the pattern in play; patterns.length once all are awarded. */
  readonly pattern: number;
  readonly awards: readonly AwardView[];
  /** This player's winning cards (snapshot `myWins`, `bingo:won`): an award's list may not name them. */
  readonly myWins: readonly PlayerWin[];
  readonly roundVersion: number;
  readonly cards: readonly Card[];
  readonly autoClaim: boolean;
  /** ISO 4217 code of the prizes. */
  readonly currency: string;
}

export function fromSnapshot(game: GameSnapshot): GameState {
  return {
    id: game.id,
    title: game.title,
    variant: game.variant,
    phase: game.phase,
    paused: game.round.paused,
    autoIntervalMs: game.round.autoIntervalMs,
    commitment: game.commitment,
    seed: game.seed,
    patterns: game.patterns,
    prizes: game.prizes,
    maxPerPlayer: game.maxPerPlayer,
    pattern: game.round.pattern,
    awards: game.round.awards.map(toView),
    myWins: game.myWins,
    roundVersion: game.round.version,
    cards: sortedCards(game.myCards),
    autoClaim: game.autoClaim,
    currency: game.currency,
  };
}

/** Phases only move forward, except the claim window opening and closing in the lobby. */
function rank(phase: Phase): number {
  return phase === "lobby" || phase === "claiming" ? 0 : phase === "running" ? 1 : 2;
}

/**
 * Merges a fresh snapshot. A snapshot read before an event that already arrived must not
 * undo it, so each part is taken only when the snapshot is at least as new as what we have:
 * the round by its version, the claim window by the newest slot version the client saw.
 */
export function mergeSnapshot(state: GameState, game: GameSnapshot, newestSlotsVersion: number): GameState {
  const fresh = fromSnapshot(game);
  const cards = unionCards(state.cards, game.myCards);
  const myWins = unionWins(state.myWins, game.myWins);
  const ahead = rank(game.phase) - rank(state.phase);
  const roundNewer = game.round.version >= state.roundVersion;
  const windowNewer = game.slots.version >= newestSlotsVersion;
  if (ahead > 0 || (ahead === 0 && (rank(game.phase) === 0 ? windowNewer : roundNewer))) {
    return { ...fresh, cards, myWins, awards: longer(state.awards, fresh.awards), pattern: Math.max(state.pattern, fresh.pattern) };
  }
  return { ...state, title: fresh.title, maxPerPlayer: fresh.maxPerPlayer, autoClaim: fresh.autoClaim, seed: state.seed ?? fresh.seed, cards, myWins };
}

export function withPhase(state: GameState, message: PhaseMessage): GameState {
  if (rank(message.phase) < rank(state.phase)) return state;
  if (message.version !== undefined && message.version < state.roundVersion) return state;
  const running = message.phase === "running";
  return {
    ...state,
    phase: message.phase,
    maxPerPlayer: message.maxPerPlayer ?? state.maxPerPlayer,
    paused: running ? (message.paused ?? state.paused) : false,
    autoIntervalMs: running ? (message.autoIntervalMs !== undefined ? message.autoIntervalMs : state.autoIntervalMs) : null,
    roundVersion: Math.max(state.roundVersion, message.version ?? 0),
  };
}

/** The award in the message, or null when an earlier award was missed (join again). */
export function withWinners(state: GameState, message: WinnersMessage): GameState | null {
  const index = state.patterns.indexOf(message.pattern);
  if (index < 0) return state;
  if (index > state.awards.length) return null;
  const awards = [...state.awards];
  awards[index] = toView(message);
  return { ...state, awards, pattern: Math.max(state.pattern, index + 1), roundVersion: Math.max(state.roundVersion, message.version) };
}

/** This player's own winning cards of an award (`bingo:won`, which comes before the room's `winners`). */
export function withWon(state: GameState, message: WonMessage): GameState {
  const { pattern, prizeEach } = message;
  const myWins = unionWins(state.myWins, message.cardIds.map((cardId) => ({ pattern, cardId, prizeEach })));
  return myWins === state.myWins ? state : { ...state, myWins };
}

export function withFinished(state: GameState, message: FinishedMessage): GameState {
  const awards = message.results.map(toView);
  return {
    ...state,
    phase: "finished",
    paused: false,
    autoIntervalMs: null,
    seed: message.seed,
    awards: longer(state.awards, awards),
    pattern: Math.max(state.pattern, awards.length),
    roundVersion: Math.max(state.roundVersion, message.version),
  };
}

export function withCards(state: GameState, cards: readonly Card[]): GameState {
  return { ...state, cards: unionCards(state.cards, cards) };
}

/** The pattern now in play, or null before the round and after the last award. */
export function patternInPlay(state: GameState): PatternName | null {
  return state.phase === "running" ? (state.patterns[state.pattern] ?? null) : null;
}

function toView({ pattern, ballIndex, winners, winnerCount, prizeEach }: AwardNotice | WinnersMessage): AwardView {
  return { pattern, ballIndex, winners, winnerCount, prizeEach };
}

/** The wins of both, each pattern and card once; `known` itself when `more` adds nothing. */
function unionWins(known: readonly PlayerWin[], more: readonly PlayerWin[]): readonly PlayerWin[] {
  const has = (win: PlayerWin) => known.some((k) => k.pattern === win.pattern && k.cardId === win.cardId);
  const added = more.filter((win) => !has(win));
  return added.length === 0 ? known : [...known, ...added];
}

function longer(a: readonly AwardView[], b: readonly AwardView[]): readonly AwardView[] {
  return b.length >= a.length ? b : a;
}

function unionCards(known: readonly Card[], more: readonly Card[]): readonly Card[] {
  const byId = new Map<number, Card>();
  for (const card of [...known, ...more]) byId.set(card.id, card);
  return sortedCards([...byId.values()]);
}

function sortedCards(cards: readonly Card[]): readonly Card[] {
  return [...cards].sort((a, b) => a.id - b.id);
}
