import type { ErrorCode, SlotState } from "../../shared/protocol";

/*
 * The claim batch's wire layout, and the one reader and writer of it. Claims go to the
 * store and come back as flat arrays, so a tick hands them to Redis as the argument list
 * of one function call (and takes the reply) without copying: a measured choice for the
 * hot path. Everything outside this file reads and writes them through the functions
 * below, never by offset; the Redis side is server/store/redis/lua/claims.lua.
 */

/**
 * A tick's claims for one game: [playerId, requestId, count, playerId, requestId, count, ...].
 */
export type ClaimBatchArgs = (string | number)[];
/** Fields per claim in ClaimBatchArgs (the claim queue hands batches over in whole claims). */
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
const HEADER = 3;
const OUTCOME_STRIDE = 6;

/** Outcome status numbers, shared with claims.lua. */
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

// Reading the arguments (claim i, from 0).

export const claimsIn = (args: ClaimBatchArgs): number => args.length / CLAIM_STRIDE;
export const claimPlayer = (args: ClaimBatchArgs, i: number): string => String(args[i * CLAIM_STRIDE]);
export const claimRequestId = (args: ClaimBatchArgs, i: number): string => String(args[i * CLAIM_STRIDE + 1]);
export const claimCount = (args: ClaimBatchArgs, i: number): number => Number(args[i * CLAIM_STRIDE + 2]);

/** Writing the arguments: appends one claim. */
export function appendClaim(args: ClaimBatchArgs, playerId: string, requestId: string, count: number): void {
  args.push(playerId, requestId, count);
}

// Reading a reply (outcome i, from 0).

export const outcomesIn = (reply: ClaimBatchReply): number => (reply.length - HEADER) / OUTCOME_STRIDE;
/** The slot state after the whole batch. */
export const slotsAfter = (reply: ClaimBatchReply): SlotState => ({ total: reply[0], remaining: reply[1], version: reply[2] });
export const claimStatus = (reply: ClaimBatchReply, i: number): number => reply[HEADER + i * OUTCOME_STRIDE];
export const firstCard = (reply: ClaimBatchReply, i: number): number => reply[HEADER + i * OUTCOME_STRIDE + 1];
export const cardsGranted = (reply: ClaimBatchReply, i: number): number => reply[HEADER + i * OUTCOME_STRIDE + 2];

/** The slot state answered with claim i: `after` itself when equal, so a fresh batch allocates nothing per claim. */
export function outcomeSlots(reply: ClaimBatchReply, i: number, after: SlotState): SlotState {
  const at = HEADER + i * OUTCOME_STRIDE;
  return reply[at + 5] === after.version && reply[at + 4] === after.remaining && reply[at + 3] === after.total
    ? after
    : { total: reply[at + 3], remaining: reply[at + 4], version: reply[at + 5] };
}

/** Claim i's outcome as its own array: what the idempotency record keeps to answer a replay. */
export function storedOutcome(reply: ClaimBatchReply, i: number): number[] {
  const at = HEADER + i * OUTCOME_STRIDE;
  return reply.slice(at, at + OUTCOME_STRIDE);
}

// Writing a reply (the in-memory store; claims.lua writes the same layout).

export const newClaimReply = (claims: number): number[] => new Array<number>(HEADER + claims * OUTCOME_STRIDE);

export function writeSlotsAfter(reply: number[], slots: SlotState): void {
  reply[0] = slots.total;
  reply[1] = slots.remaining;
  reply[2] = slots.version;
}

/** Claim i's decision; its slot numbers follow with writeOutcomeSlots once the batch is done. */
export function writeDecision(reply: number[], i: number, status: number, first: number, granted: number): void {
  const at = HEADER + i * OUTCOME_STRIDE;
  reply[at] = status;
  reply[at + 1] = first;
  reply[at + 2] = granted;
}

export function writeOutcomeSlots(reply: number[], i: number, slots: SlotState): void {
  const at = HEADER + i * OUTCOME_STRIDE;
  reply[at + 3] = slots.total;
  reply[at + 4] = slots.remaining;
  reply[at + 5] = slots.version;
}

/** Answers claim i with an outcome stored by storedOutcome (a replay). */
export function writeStoredOutcome(reply: number[], i: number, stored: readonly number[]): void {
  const at = HEADER + i * OUTCOME_STRIDE;
  for (let k = 0; k < OUTCOME_STRIDE; k++) reply[at + k] = stored[k];
}
