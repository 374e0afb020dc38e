import type { ErrorCode } from "../../shared/protocol";

/**
 * A tick's bingo calls for one game, flat for one Redis function call:
 * [playerId, requestId, cardId, completions, auto, ...] where `completions` is the
 * comma-separated completion index of the card for every pattern of the game, in order
 * ("-1" where it never completes), so the store judges the call against the pattern in
 * play at that moment, whichever pattern the calling node believed was in play.
 * `auto` is 1 for a call the server makes for an auto-claim player (skipped when the
 * player turned auto-claim off), else 0.
 */
export type CallBatchArgs = (string | number)[];
export const CALL_STRIDE = 5;

/**
 * The store's answer: [settleAt, then per call: status, patternIndex, ballIndex].
 * settleAt is the ms (store clock) at which the pending award's window closes, or -1.
 */
export type CallBatchReply = readonly number[];
export const CALL_REPLY_HEADER = 1;
export const CALL_OUTCOME_STRIDE = 3;

export const CallStatus = {
  OK: 0,
  INVALID: 1,
  FORBIDDEN: 2,
  WRONG_PHASE: 3,
  /** An auto call for a player who turned auto-claim off: nobody to answer. */
  SKIPPED: 4,
} as const;

export const CALL_ERROR_BY_STATUS: readonly ErrorCode[] = ["INTERNAL", "INVALID_CLAIM", "FORBIDDEN", "WRONG_PHASE", "INTERNAL"];

/** Field of a call in the idempotency record; prefixed so it never meets a card claim's. */
export function callRequestKey(playerId: string, requestId: string): string {
  return `b${playerId.length}:${playerId}${requestId}`;
}
