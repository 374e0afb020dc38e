import type { CutReason } from "../ports/metrics";
import type { BingoSocket } from "./socket-types";

/** How long a socket told to go has to close its side before its TCP connection is destroyed. */
export const CUT_GRACE_MS = 1000;

/** The ws WebSocket under the engine.io websocket transport (see send-buffer.ts). */
interface RawWebSocket {
  terminate(): void;
}

function rawWebSocket(socket: BingoSocket): RawWebSocket | undefined {
  const ws = (socket.conn as unknown as { transport?: { socket?: Partial<RawWebSocket> } }).transport?.socket;
  return typeof ws?.terminate === "function" ? (ws as RawWebSocket) : undefined;
}

const cutting = new WeakSet<BingoSocket>();

/**
 * Disconnects a socket the node will not serve any more; true the first time, false if
 * it is already being cut.
 *
 * A client that does not read ("send-buffer") would never read a goodbye, and a graceful
 * close waits for its queue to drain (engine.io) and then up to 30 s for its close frame
 * (ws), holding the queue all along: its TCP connection is destroyed at once, freeing the
 * buffers. Otherwise the client is told ("io server disconnect": the client does not
 * reconnect by itself), and destroyed after CUT_GRACE_MS if it has not closed by then.
 */
export function cutSocket(socket: BingoSocket, reason: Exclude<CutReason, "handshake-timeout" | "handshakes-busy" | "over-capacity">): boolean {
  if (cutting.has(socket)) return false;
  cutting.add(socket);
  const ws = rawWebSocket(socket);
  if (reason === "send-buffer" && ws) {
    ws.terminate();
    return true;
  }
  socket.disconnect(true);
  if (ws) setTimeout(() => ws.terminate(), CUT_GRACE_MS).unref();
  return true;
}
