import type { PlayerDirectory } from "../ports/push-ports";
import type { BingoServer } from "./socket-types";

export interface SocketPresence {
  stop(): void;
}

/**
 * Presence for push: counts each player's sockets on this node instance in the directory,
 * and heartbeats the instance. `instance` is this start's own id, so a node restarted under
 * the same NODE_ID never revives the counts of the sockets that died with its former self.
 * Resolves after the first heartbeat. A first heartbeat sent before the store is reachable
 * fails; another goes once `storeReady` resolves, so the instance (and its sockets) count
 * as present from then on, not a whole heartbeat period later.
 */
export async function trackPresence(io: BingoServer, directory: PlayerDirectory, instance: string, heartbeatMs: number, storeReady?: Promise<void>): Promise<SocketPresence> {
  /** Sockets per player on this instance: what the heartbeat restores if Redis lost it. */
  const localSockets = new Map<string, number>();
  io.on("connection", (socket) => {
    if (socket.data.role !== "player") return;
    const playerId = socket.data.sub;
    localSockets.set(playerId, (localSockets.get(playerId) ?? 0) + 1);
    directory.socketOpened(playerId, instance).catch(() => undefined);
    socket.on("disconnect", () => {
      const left = (localSockets.get(playerId) ?? 1) - 1;
      if (left > 0) localSockets.set(playerId, left);
      else localSockets.delete(playerId);
      directory.socketClosed(playerId, instance).catch(() => undefined);
    });
  });
  const beat = async (): Promise<void> => {
    // Unknown to the store (it lost its data, or pruned this instance after a long stall):
    // rebuild this instance's counts from the sockets it holds.
    if (await directory.heartbeat(instance)) await directory.restoreSockets(instance, localSockets);
  };
  await beat().catch(() => undefined);
  void storeReady?.then(() => beat().catch(() => undefined));
  const heartbeat = setInterval(() => void beat().catch(() => undefined), heartbeatMs);
  heartbeat.unref();
  return { stop: () => clearInterval(heartbeat) };
}
