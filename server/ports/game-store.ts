import type { GameSnapshot, ProtocolError, SlotState, Variant } from "../../shared/protocol";
import type { ClaimBatchArgs, ClaimBatchReply } from "../domain/claim-batch";

export type StoreResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

export interface NewGame {
  readonly id: string;
  readonly hostId: string;
  readonly title: string;
  readonly variant: Variant;
}

/** A game as one player sees it: exactly the join snapshot of the protocol. */
export type GameView = GameSnapshot;

/**
 * Where the authoritative state of every game lives. Implemented in memory (one node,
 * the embedded default) and on Redis (any number of nodes). Both pass the same contract
 * suite (tests/contract).
 *
 * Methods never throw for expected failures: a missing game, a wrong phase, another
 * host's game, or an unreachable store come back as `{ ok: false, error }` with a code.
 */
export interface GameStore {
  /** Creates the game; `ok: false` with BAD_REQUEST when the id is already taken. */
  createGame(game: NewGame): Promise<StoreResult<void>>;

  /**
   * Opens the claim window (lobby → claiming). `totalSlots` must cover the cards already
   * granted in an earlier window. Bumps the slot version.
   */
  openClaims(gameId: string, hostId: string, totalSlots: number, maxPerPlayer: number): Promise<StoreResult<SlotState>>;

  /** Closes the claim window (claiming → lobby); closing a closed window is a no-op. */
  closeClaims(gameId: string, hostId: string): Promise<StoreResult<SlotState>>;

  /** The game as `playerId` sees it, with the cards that player owns. */
  view(gameId: string, playerId: string): Promise<StoreResult<GameView>>;

  /**
   * Resolves one tick's claims for one game atomically, in one round trip, in batch order.
   * A (player, requestId) seen before, in this batch or an earlier one, gets its first
   * answer again and allocates nothing. See ClaimBatchReply for the layout.
   */
  resolveClaims(gameId: string, batch: ClaimBatchArgs): Promise<StoreResult<ClaimBatchReply>>;

  /** True when the store answers. */
  ping(): Promise<boolean>;

  close(): Promise<void>;
}
