import type { BingoClient, ClientSocket } from "../../shared/client";
import type { ServerToClientEvents, SlotState } from "../../shared/protocol";

/** Resolves with the first `event` on `socket` whose message satisfies `accept`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  accept: (message: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    const listener = (message: Parameters<ServerToClientEvents[E]>[0]): void => {
      if (!accept(message)) return;
      socket.off(event, listener as never);
      resolve(message);
    };
    socket.on(event, listener as never);
  });
}

/** Resolves once the client's newest known slot state for the game satisfies `accept` (now or later). */
export function slotsReach(client: BingoClient, gameId: string, accept: (slots: SlotState) => boolean): Promise<SlotState> {
  const now = client.slots(gameId);
  if (now && accept(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const stop = client.onSlots((id, slots) => {
      if (id !== gameId || !accept(slots)) return;
      stop();
      resolve(slots);
    });
  });
}
