import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "../../shared/protocol";
import type { Identity } from "./tokens";

/** Messages between server nodes, carried by the Socket.IO adapter (serverSideEmit). */
export interface InterServerEvents {
  /** A slot state a node committed; every other node offers it to its local room. */
  "slots:state": (gameId: string, total: number, remaining: number, version: number) => void;
}

export type SocketData = Identity;

export type BingoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type BingoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The Socket.IO room of a game. */
export const roomOf = (gameId: string): string => `game:${gameId}`;
