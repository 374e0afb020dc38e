/** What the server knows of one player's app, across every node. */
export interface Presence {
  /** What the app last said with `app:state`; null until it says anything after joining. */
  readonly appState: "foreground" | "background" | null;
  /** Sockets the player has open on nodes that are alive. */
  readonly liveSockets: number;
  /** When the player's last socket closed (ms), if any did. */
  readonly goneSince: number | null;
}

/**
 * A player is reached by push instead of the socket when the app said it went to the
 * background, or when their last socket has been gone for `graceMs` (the OS killed the
 * app, or the network dropped) — a short reconnect does not count.
 */
export function isBackgrounded(presence: Presence, now: number, graceMs: number): boolean {
  if (presence.appState === "background") return true;
  if (presence.liveSockets > 0) return false;
  return presence.goneSince !== null && now - presence.goneSince >= graceMs;
}
