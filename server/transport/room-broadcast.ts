import type { WinnersMessage } from "../../shared/protocol";
import type { Metrics } from "../ports/metrics";
import type { AckedSlots } from "./acked-slots";
import type { RoomBroadcast } from "../ports/room-broadcast";
import type { SliceOptions } from "./sliced-emit";
import { SlicedSlotsEmitter } from "./sliced-emit";
import type { BingoServer } from "./socket-types";
import { hostsOf, roomOf } from "./socket-types";

/**
 * The game's events over Socket.IO: rooms span the nodes through the adapter; with several
 * nodes (`multiNode`), the committed state also goes to the other nodes as server-side events.
 * The large broadcasts are timed for /metrics. `slots`, the one sent during a claim storm,
 * is written a slice at a time (see SlicedSlotsEmitter) so it never holds the storm's acks up,
 * and skips the claimers whose ack already carried its count (AckedSlots).
 */
export function socketRoomBroadcast(io: BingoServer, metrics: Metrics, multiNode: boolean, slices: SliceOptions, acked: AckedSlots): RoomBroadcast {
  /** Runs one emit to a room and times it. */
  const timed = (event: string, emit: () => void): void => {
    const started = performance.now();
    emit();
    metrics.broadcast(event, (performance.now() - started) / 1000);
  };
  const toRoom = (gameId: string) => io.to(roomOf(gameId));
  const sliced = new SlicedSlotsEmitter(io, slices, acked);
  /**
   * One node's part of an award. The winners are found among this node's members of the
   * room, once per award; a room of its own per player would cost every socket a room to
   * save this one pass. Both go out here, so each socket gets `bingo:won` before `winners`.
   */
  const awardHere = (message: WinnersMessage, wins: ReadonlyMap<string, readonly number[]>): void => {
    const { gameId, pattern, ballIndex, prizeEach, version } = message;
    const sockets = io.of("/").sockets;
    for (const id of io.of("/").adapter.rooms.get(roomOf(gameId)) ?? []) {
      const socket = sockets.get(id);
      const cardIds = socket && wins.get(socket.data.sub);
      if (cardIds) socket.emit("bingo:won", { gameId, pattern, ballIndex, cardIds, prizeEach, version });
    }
    timed("winners", () => io.local.to(roomOf(gameId)).emit("winners", message));
  };
  if (multiNode) io.on("round:awarded", (message, wins) => awardHere(message, new Map(wins)));
  io.of("/").adapter.on("delete-room", (room: string) => sliced.forget(room));
  return {
    phase: (message) => toRoom(message.gameId).emit("game:phase", message),
    drawn: (message) => {
      metrics.drawn();
      timed("draw", () => toRoom(message.gameId).emit("draw", message));
    },
    awarded: (message, wins) => {
      if (multiNode) io.serverSideEmit("round:awarded", message, [...wins].map(([playerId, cardIds]) => [playerId, [...cardIds]]));
      awardHere(message, wins);
    },
    finished: (message) => toRoom(message.gameId).emit("game:finished", message),
    next: (message) => toRoom(message.from).emit("game:next", message),
    slots: (gameId, message, done) =>
      sliced.emit(roomOf(gameId), message, (costMs) => {
        metrics.broadcast("slots", costMs / 1000);
        done(costMs);
      }),
    called: (message) => io.to(hostsOf(message.gameId)).emit("bingo:called", message),
    shareSlots: multiNode ? (gameId, state) => io.serverSideEmit("slots:state", gameId, state.total, state.remaining, state.version) : () => undefined,
    shareAuto: multiNode ? (gameId, intervalMs) => io.serverSideEmit("round:auto", gameId, intervalMs) : () => undefined,
  };
}
