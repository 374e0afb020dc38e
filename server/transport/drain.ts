import type { BingoServer } from "./socket-types";

/**
 * Tells every local client to reconnect elsewhere, then closes each connection at the
 * engine level once its queued packets are written. (A Socket.IO-level disconnect would
 * tell the client not to reconnect at all.) Resolves when all are closed.
 */
export async function closeConnections(io: BingoServer): Promise<void> {
  io.local.emit("server:draining", { reason: "this node is shutting down; reconnect to another" });
  const sockets = [...io.of("/").sockets.values()];
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.conn.readyState === "closed") return resolve();
          socket.conn.once("close", () => resolve());
          socket.conn.close();
        }),
    ),
  );
}
