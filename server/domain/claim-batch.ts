import type { ErrorCode } from "../../shared/protocol";

/**
 * A tick's claims for one game, flat so it goes to Redis as the argument list of one
 * function call without being copied: [playerId, requestId, count, playerId, requestId, count, ...].
 */
export type ClaimBatchArgs = (string | number)[];
export const CLAIM_STRIDE = 3;

/**
 * The store's answer to a batch, flat as Redis returns it:
 * a header of HEADER numbers (total, remaining, version after the batch), then
 * OUTCOME_STRIDE numbers per claim in batch order:
 *   status, firstCardId, granted, total, remaining, version
 * Cards granted to one claim are the consecutive ids firstCardId .. firstCardId + granted - 1.
 * The slot numbers of an outcome are those stored with the request, so a replay of a
 * (player, requestId) returns exactly the first answer.
 */
export type ClaimBatchReply = readonly number[];
export const HEADER = 3;
export const OUTCOME_STRIDE = 6;

/** Outcome status numbers, shared with bingo.lua. */
export const ClaimStatus = {
  GRANTED: 0,
  SOLD_OUT: 1,
  LIMIT_REACHED: 2,
  CLAIMS_CLOSED: 3,
} as const;

export const REFUSAL_BY_STATUS: readonly ErrorCode[] = ["INTERNAL", "SOLD_OUT", "LIMIT_REACHED", "CLAIMS_CLOSED"];

/** Field name of a request in the idempotency record; length-prefixed so no two (player, request) pairs collide. */
export function requestKey(playerId: string, requestId: string): string {
  return `${playerId.length}:${playerId}${requestId}`;
}
