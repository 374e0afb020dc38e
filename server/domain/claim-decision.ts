import type { ErrorCode, Phase } from "../../shared/protocol";

/** What a game's claim window looks like to one claim. */
export interface ClaimWindow {
  readonly phase: Phase;
  readonly remaining: number;
  readonly maxPerPlayer: number;
}

export type ClaimRefusal = Extract<ErrorCode, "CLAIMS_CLOSED" | "SOLD_OUT" | "LIMIT_REACHED">;

/**
 * How many cards one claim gets: min(count, remaining, maxPerPlayer - owned), or why none.
 * Partial grants are allowed. The Redis function (claims.lua) implements the same rule;
 * the store contract tests hold the two together.
 */
export function decideClaim(window: ClaimWindow, owned: number, count: number): number | ClaimRefusal {
  if (window.phase !== "claiming") return "CLAIMS_CLOSED";
  if (window.remaining <= 0) return "SOLD_OUT";
  const room = window.maxPerPlayer - owned;
  if (room <= 0) return "LIMIT_REACHED";
  return Math.min(count, window.remaining, room);
}
