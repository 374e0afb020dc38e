import type { BingoClient, ClientSocket } from "../../shared/client";
import type { ServerToClientEvents, SlotState } from "../../shared/protocol";

/**
 * How long a test waits for an event before failing with a message naming it. Below jest's
 * 60 s test timeout, so a regression fails with what it was waiting for instead of a bare
 * "Exceeded timeout".
 */
export const EVENT_WAIT_MS = 30_000;

/** Rejects after `ms` with `what` in the message unless `promise` settles first; the timer never outlives it. */
export function within<T>(promise: Promise<T>, what: string, ms: number = EVENT_WAIT_MS, onTimeout: () => void = () => undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first `event` on `socket` whose message satisfies `accept`; fails after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  accept: (message: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  ms: number = EVENT_WAIT_MS,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  let listener: ((message: Parameters<ServerToClientEvents[E]>[0]) => void) | undefined;
  const arrived = new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve) => {
    listener = (message) => {
      if (!accept(message)) return;
      socket.off(event, listener as never);
      resolve(message);
    };
    socket.on(event, listener as never);
  });
  return within(arrived, `the event "${event}"`, ms, () => socket.off(event, listener as never));
}

/** Resolves once the client's newest known slot state for the game satisfies `accept` (now or later); fails after `ms`. */
export function slotsReach(client: BingoClient, gameId: string, accept: (slots: SlotState) => boolean, ms: number = EVENT_WAIT_MS): Promise<SlotState> {
  const now = client.slots(gameId);
  if (now && accept(now)) return Promise.resolve(now);
  let stop: (() => void) | undefined;
  const reached = new Promise<SlotState>((resolve) => {
    stop = client.onSlots((id, slots) => {
      if (id !== gameId || !accept(slots)) return;
      stop?.();
      resolve(slots);
    });
  });
  return within(reached, `game ${gameId}'s slot count to reach the expected state (last seen: ${JSON.stringify(client.slots(gameId))})`, ms, () => stop?.());
}
