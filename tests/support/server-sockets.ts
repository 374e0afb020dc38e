import type { TestApp } from "./test-app";

/**
 * Resolves once the server has taken `n` more events from the socket with this id. Its
 * onAny listeners run just before the event's handlers, in the same tick, so by the time
 * this resolves the gateway has dealt with them (answered, dropped or dispatched).
 */
export function handled(app: TestApp, socketId: string, n: number): Promise<void> {
  const socket = app.io.of("/").sockets.get(socketId);
  if (!socket) throw new Error(`no socket ${socketId} on the server`);
  return new Promise((resolve) => {
    let seen = 0;
    const listener = (): void => {
      if (++seen < n) return;
      socket.offAny(listener);
      resolve();
    };
    socket.onAny(listener);
  });
}
