import { roomOf } from "./socket-types";
import type { BingoServer, BingoSocket } from "./socket-types";

interface Acked {
  readonly room: string;
  readonly version: number;
}

/**
 * The slot state each socket's last claim ack carried. An ack already gives its player the
 * count (`{ ok, cards, slots }`; the SDK keeps the highest version it has seen, from acks
 * and broadcasts alike), so the room's `slots` broadcast skips a socket that already has the
 * version being sent: in a claim storm, one message per claimer per tick instead of an ack
 * and then the same count again. A socket's entry goes with the socket (WeakMap), so memory
 * follows the connections.
 */
export class AckedSlots {
  private readonly bySocket = new WeakMap<BingoSocket, Acked>();

  constructor(private readonly io: BingoServer) {}

  /** The socket was answered with version `version` of the game's count. */
  note(socket: BingoSocket, gameId: string, version: number): void {
    const known = this.bySocket.get(socket);
    const room = roomOf(gameId);
    if (known?.room === room && known.version >= version) return;
    this.bySocket.set(socket, { room, version });
  }

  /** Whether the socket with this id already had `version` (or newer) of the room's count in an ack. */
  has(socketId: string, room: string, version: number): boolean {
    const socket = this.io.of("/").sockets.get(socketId);
    const known = socket && this.bySocket.get(socket);
    return known !== undefined && known.room === room && known.version >= version;
  }
}
