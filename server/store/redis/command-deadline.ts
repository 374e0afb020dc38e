import type { Command } from "ioredis";

const armed = new WeakSet<Command>();

/**
 * Gives `command` up when no reply has been read `ms` after it was sent, as ioredis's own
 * `commandTimeout` does, with the same error (so the stores answer a write OUTCOME_UNKNOWN,
 * a read UNAVAILABLE) — but only after the event loop has read its sockets once more.
 *
 * Why not `commandTimeout`: its timer rejects the command the moment it fires, and Node runs
 * due timers before it polls its sockets. After the loop was busy for longer than the
 * timeout (a broadcast to ten thousand sockets, on a machine with more processes than
 * cores), a reply Redis sent in time lies unread in the socket's buffer, and the command is
 * given up anyway: at 50,000 players on 2 cores, 1,215 of 13,430 bingo calls were answered
 * OUTCOME_UNKNOWN for work Redis had done. Here the timer only schedules the verdict for the
 * loop's check phase (`setImmediate`), which comes after the poll that reads any reply
 * already received; a reply that is really missing is given up one turn later than before.
 */
export function armDeadline(command: Command, ms: number): void {
  // ioredis sends a command again after a reconnect (maxRetriesPerRequest): one deadline from the first send, as before.
  if (armed.has(command) || command.isSettled) return;
  armed.add(command);
  const timer = setTimeout(() => setImmediate(() => command.isSettled || command.reject(new Error("Command timed out"))), ms);
  const clear = (): void => clearTimeout(timer);
  command.promise.then(clear, clear);
}
