import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, WinnersMessage } from "../../shared/protocol";
import type { VerifiedIdentity } from "../ports/identity";

/** Messages between server nodes, carried by the Socket.IO adapter (serverSideEmit). */
export interface InterServerEvents {
  /** A slot state a node committed; every other node offers it to its local room. */
  "slots:state": (gameId: string, total: number, remaining: number, version: number) => void;
  /** Auto-draw was set on another node; every node stands by to take the draw lease over. */
  "round:auto": (gameId: string, intervalMs: number | null) => void;
  /** An award: every node tells its own sockets of the winners in `wins` (player id, cards), then its room. */
  "round:awarded": (message: WinnersMessage, wins: [string, number[]][]) => void;
  /** One node's live figures for a game (see LiveStats). */
  "stats:node": (gameId: string, nodeId: string, connected: number, claims: number, largestBatch: number) => void;
}

export type SocketData = VerifiedIdentity;

export type BingoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type BingoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const ROOM_PREFIX = "game:";

/** The Socket.IO room of a game. */
export const roomOf = (gameId: string): string => ROOM_PREFIX + gameId;

/** The game of a Socket.IO room, or undefined for other rooms (e.g. a socket's own). */
export const gameOfRoom = (room: string): string | undefined => (room.startsWith(ROOM_PREFIX) ? room.slice(ROOM_PREFIX.length) : undefined);

/** The Socket.IO room of a game's host sockets on a node (live figures go there). */
export const hostsOf = (gameId: string): string => `hosts:${gameId}`;
