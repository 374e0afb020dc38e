import type { Award, AwardTime, PatternName, Phase, ProtocolError, RecordedCalls, RecordIds, SlotState, Variant } from "../../shared/protocol";
import type { CallBatchArgs, CallBatchReply } from "../domain/call-batch";
import type { ClaimBatchArgs, ClaimBatchReply } from "../domain/claim-batch";

export type StoreResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

export interface NewGame {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly variant: Variant;
  /** 64 hex characters; secret until the game is finished. */
  readonly seed: string;
  readonly commitment: string;
  readonly patterns: readonly PatternName[];
  readonly prizes: readonly number[];
  /** Every ball in the order the seed draws them. */
  readonly order: readonly number[];
  /** The claim window's grace after the next ball (CLAIM_GRACE_MS at creation). */
  readonly graceMs: number;
  /** How the public record names players. */
  readonly recordIds: RecordIds;
  /** ISO 4217 code of the prizes' currency; prizes are in its minor unit. */
  readonly currency: string;
}

/**
 * A game as the store holds it, without any one player's part: the same for every player
 * (a batch of joins reads it once). Includes the seed: for the node, not for clients.
 */
export interface SharedGame {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly variant: Variant;
  readonly phase: Phase;
  readonly seed: string;
  readonly commitment: string;
  readonly patterns: readonly PatternName[];
  readonly prizes: readonly number[];
  readonly maxPerPlayer: number;
  readonly slots: SlotState;
  readonly drawn: number;
  readonly pattern: number;
  readonly paused: boolean;
  readonly autoIntervalMs: number | null;
  readonly awards: readonly Award[];
  readonly roundVersion: number;
  readonly graceMs: number;
  readonly recordIds: RecordIds;
  readonly currency: string;
  /** The game its host started after this one finished (`game:next`), or null. */
  readonly next: string | null;
}

/** One player's own part of a game. */
export interface PlayerPart {
  /** The player's card ids, in grant order. */
  readonly cardIds: readonly number[];
  /** The player's explicit auto-claim choice, or null for the default (on). */
  readonly autoClaim: boolean | null;
}

/** A game as the store holds it, with the cards of one player. */
export interface StoredGame extends SharedGame, PlayerPart {}

/** A game read once for several players: the shared part once, each player's part in the order asked. */
export interface GameViews {
  readonly game: SharedGame;
  readonly players: readonly PlayerPart[];
}

/** What the public record needs beyond a view: times, and the call log. */
export interface RoundLog {
  /** Store time of each draw. */
  readonly drawnAt: readonly number[];
  /** When each award was made, in award order. */
  readonly awardTimes: readonly AwardTime[];
  /** Accepted calls in store order (the first of each card for each pattern). */
  readonly calls: readonly RecordedCalls[];
}

export interface RoundStarted {
  readonly roundVersion: number;
  readonly slots: SlotState;
}

/** Who draws: the game's host by hand, or the holder of the auto-draw lease. */
export type Drawer = { readonly hostId: string } | { readonly leaseToken: number };

export interface DrawResult {
  readonly ball: number;
  readonly index: number;
  readonly roundVersion: number;
  /** False when `expectedIndex` named a ball drawn before: this answer repeats it. */
  readonly drewNow: boolean;
  /** Store-clock ms at which the pending award may be made, if one is pending. */
  readonly settleAt: number | null;
}

export interface RoundControl {
  readonly roundVersion: number;
  readonly paused: boolean;
  readonly autoIntervalMs: number | null;
}

export type RoundOp = { readonly op: "pause" } | { readonly op: "resume" } | { readonly op: "auto"; readonly intervalMs: number | null };

export interface Lease {
  /** Fencing token; 0 when another owner holds an unexpired lease, or auto-draw is off. */
  readonly token: number;
  readonly untilMs: number;
  /** The auto-draw interval now set; null when off (or the round is not running). */
  readonly autoIntervalMs: number | null;
}

/** What one tick sends for one game; all of it is one round trip. */
export interface TickWork {
  readonly claims: ClaimBatchArgs;
  readonly calls: CallBatchArgs;
  /** Make the pending award if its window has closed. */
  readonly settle: boolean;
}

export type Settled =
  | { readonly awarded: true; readonly award: Award; readonly roundVersion: number; readonly finished: boolean }
  | { readonly awarded: false; readonly settleAt: number | null };

export interface TickResult {
  readonly claims: ClaimBatchReply | null;
  readonly calls: CallBatchReply | null;
  readonly settled: Settled | null;
}

export interface GameFinished {
  readonly roundVersion: number;
  readonly seed: string;
  readonly awards: readonly Award[];
  /** A pending award was made by this call (it is the last of `awards`). */
  readonly awardedNow: boolean;
}

/** One player of a game's roster, as the store keeps it. */
export interface RosterEntry {
  readonly playerId: string;
  readonly name: string | null;
  readonly cards: number;
}

/** A page of the roster: players in the order they first got cards. */
export interface RosterPage {
  readonly players: readonly RosterEntry[];
  /** Players in the roster. */
  readonly total: number;
}

/**
 * Where the authoritative state of every game lives. Implemented in memory (one node,
 * the embedded default) and on Redis (any number of nodes). Both pass the same contract
 * suite (tests/contract).
 *
 * Methods never throw for expected failures: a missing game, a wrong phase, another
 * host's game, or an unreachable store come back as `{ ok: false, error }` with a code.
 */
export interface GameStore {
  /**
   * Creates the game; `ok: false` with BAD_REQUEST, reason `game-id-taken`, when the id is already taken, or
   * TOO_MANY_GAMES when its host already has `maxGamesPerHost` unfinished games (default:
   * no limit). Finished games and games whose keys expired do not count.
   */
  createGame(game: NewGame, maxGamesPerHost?: number): Promise<StoreResult<void>>;

  /**
   * Opens the claim window (lobby → claiming). `totalSlots` must cover the cards already
   * granted in an earlier window. Bumps the slot version.
   */
  openClaims(gameId: string, hostId: string, totalSlots: number, maxPerPlayer: number): Promise<StoreResult<SlotState>>;

  /** Closes the claim window (claiming → lobby); closing a closed window is a no-op. */
  closeClaims(gameId: string, hostId: string): Promise<StoreResult<SlotState>>;

  /** The game with `playerId`'s cards. */
  view(gameId: string, playerId: string): Promise<StoreResult<StoredGame>>;

  /**
   * The game once and each player's part, read together (one round trip, one consistent
   * moment): what `view` answers for each player, without repeating the shared part. A
   * player may be named more than once. The caller bounds the list (the join batcher sends
   * at most MAX_CLAIMS_PER_TICK), since on Redis it is one function call's arguments.
   */
  viewMany(gameId: string, playerIds: readonly string[]): Promise<StoreResult<GameViews>>;

  /** Draw and award times and the accepted calls, for the public record. */
  roundLog(gameId: string): Promise<StoreResult<RoundLog>>;

  /** Every owner's card ids (fixed once the round runs). */
  cardOwners(gameId: string): Promise<StoreResult<ReadonlyMap<string, readonly number[]>>>;

  /**
   * One tick for one game, atomically and in one round trip: the claims in order (see
   * ClaimBatchReply), then the bingo calls (CallBatchReply), then the award if asked and
   * due. A (player, requestId) seen before gets its first answer again.
   */
  resolveTick(gameId: string, work: TickWork): Promise<StoreResult<TickResult>>;

  /** lobby/claiming → running; closes the claim window if open. */
  startRound(gameId: string, hostId: string): Promise<StoreResult<RoundStarted>>;

  /**
   * Draws the next ball. `expectedIndex` (≥ 0) makes a repeated request safe: if that
   * ball is already drawn it is returned again and nothing else is drawn.
   */
  draw(gameId: string, by: Drawer, expectedIndex: number | null): Promise<StoreResult<DrawResult>>;

  controlRound(gameId: string, hostId: string, op: RoundOp): Promise<StoreResult<RoundControl>>;

  /** Takes or renews the auto-draw lease for `owner` while auto-draw is on; a new owner gets a higher token. */
  acquireLease(gameId: string, owner: string, ttlMs: number): Promise<StoreResult<Lease>>;

  releaseLease(gameId: string, owner: string, token: number): Promise<StoreResult<void>>;

  setAutoClaim(gameId: string, playerId: string, enabled: boolean): Promise<StoreResult<void>>;

  /** Makes a pending award at once, then finishes the game (any phase but finished). */
  finishGame(gameId: string, hostId: string): Promise<StoreResult<GameFinished>>;

  /**
   * Sets (or replaces) the player's display name in the game, already validated
   * (shared/protocol/names.ts). One value per player: renaming grows nothing. Never extends
   * the game's life. Awards made from then on carry it with the winner.
   */
  setName(gameId: string, playerId: string, name: string): Promise<StoreResult<void>>;

  /**
   * For the game's host: `limit` players of the roster from position `cursor` (every player
   * who got cards, once, in the order of their first grant), with names and cards held.
   */
  roster(gameId: string, hostId: string, cursor: number, limit: number): Promise<StoreResult<RosterPage>>;

  /**
   * Links a finished game to the game its host started after it, once: the answer is the
   * next game that stands (`nextId`, or the one linked before). NOT_FOUND, FORBIDDEN for
   * another host, WRONG_PHASE (reason: the phase) unless finished. Does not extend the game.
   */
  linkNextGame(gameId: string, hostId: string, nextId: string): Promise<StoreResult<string>>;

  /** True when the store answers. */
  ping(): Promise<boolean>;

  close(): Promise<void>;
}
