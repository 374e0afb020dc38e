import type { CalledMessage, DrawMessage, FinishedMessage, NextGameMessage, PhaseMessage, SlotState, SlotsMessage, WinnersMessage } from "../../shared/protocol";

/**
 * How a game's events leave this node (implemented by the Socket.IO transport). The game
 * coordinator decides what to announce and when; this port only knows where each goes.
 */
export interface RoomBroadcast {
  /** To the game's room on every node. */
  phase(message: PhaseMessage): void;
  drawn(message: DrawMessage): void;
  /**
   * An award, to the game's room on every node: first each winning player's own sockets get
   * `bingo:won` with their cards (`wins`: player id to cards), then every socket `winners`.
   */
  awarded(message: WinnersMessage, wins: ReadonlyMap<string, readonly number[]>): void;
  finished(message: FinishedMessage): void;
  /** To the finished game's (`from`) room on every node: its pages follow to `to`. */
  next(message: NextGameMessage): void;
  /**
   * To this node's own members of the room only: every node emits the newest state it knows.
   * Written over several event-loop turns in a big room; `message()` is asked for each part,
   * so each part carries the newest state. `done(costMs)` once every member was written to,
   * with the time spent writing.
   */
  slots(gameId: string, message: () => SlotsMessage, done: (costMs: number) => void): void;
  /** To the game's host sockets on this node. */
  called(message: CalledMessage): void;
  /** To the other nodes: a slot state this node committed (a no-op with one node). */
  shareSlots(gameId: string, state: SlotState): void;
  /** To the other nodes: auto-draw changed, so one of them can take over if this node dies. */
  shareAuto(gameId: string, intervalMs: number | null): void;
}
