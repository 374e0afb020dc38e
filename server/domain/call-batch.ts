import type { ErrorCode } from "../../shared/protocol";

/*
 * The bingo-call batch's wire layout, and the one reader and writer of it (flat arrays for
 * the same reason as claim-batch.ts). The Redis side is server/store/redis/lua/round.lua.
 */

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
/** Fields per call in CallBatchArgs (the call queue hands batches over in whole calls). */
export const CALL_STRIDE = 5;

/**
 * The store's answer: [settleAt, then per call: status, patternIndex, ballIndex].
 * settleAt is the ms (store clock) at which the pending award's window closes, or -1.
 */
export type CallBatchReply = readonly number[];
const CALL_REPLY_HEADER = 1;
const CALL_OUTCOME_STRIDE = 3;

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

// Reading the arguments (call i, from 0).

export const callsIn = (args: CallBatchArgs): number => args.length / CALL_STRIDE;
export const callPlayer = (args: CallBatchArgs, i: number): string => String(args[i * CALL_STRIDE]);
export const callRequestId = (args: CallBatchArgs, i: number): string => String(args[i * CALL_STRIDE + 1]);
export const callCardId = (args: CallBatchArgs, i: number): number => Number(args[i * CALL_STRIDE + 2]);
export const callCompletions = (args: CallBatchArgs, i: number): string => String(args[i * CALL_STRIDE + 3]);
export const callIsAuto = (args: CallBatchArgs, i: number): boolean => Number(args[i * CALL_STRIDE + 4]) === 1;

/** Writing the arguments: appends one call. */
export function appendCall(args: CallBatchArgs, playerId: string, requestId: string, cardId: number, completions: string, auto: boolean): void {
  args.push(playerId, requestId, cardId, completions, auto ? 1 : 0);
}

// Reading a reply (outcome i, from 0).

/** Store-clock ms at which the pending award's window closes, or -1 when none is pending. */
export const settleAtOf = (reply: CallBatchReply): number => reply[0];
export const callOutcomesIn = (reply: CallBatchReply): number => (reply.length - CALL_REPLY_HEADER) / CALL_OUTCOME_STRIDE;
export const callStatus = (reply: CallBatchReply, i: number): number => reply[CALL_REPLY_HEADER + i * CALL_OUTCOME_STRIDE];
/** The index of the pattern the call was judged against. */
export const callPattern = (reply: CallBatchReply, i: number): number => reply[CALL_REPLY_HEADER + i * CALL_OUTCOME_STRIDE + 1];
/** The ball that completed the pattern (-1 unless OK). */
export const callBallIndex = (reply: CallBatchReply, i: number): number => reply[CALL_REPLY_HEADER + i * CALL_OUTCOME_STRIDE + 2];

// Writing a reply (the in-memory store; round.lua writes the same layout).

/** A reply with no pending award yet and no outcomes; append outcomes in call order. */
export const newCallReply = (): number[] => [-1];

export function writeSettleAt(reply: number[], settleAt: number): void {
  reply[0] = settleAt;
}

/** One call's outcome, as its own array: appended to the reply, and kept to answer a replay. */
export const callOutcome = (status: number, pattern: number, ballIndex: number): number[] => [status, pattern, ballIndex];

export function appendCallOutcome(reply: number[], outcome: readonly number[]): void {
  for (let k = 0; k < CALL_OUTCOME_STRIDE; k++) reply.push(outcome[k]);
}
