import type { Socket } from "socket.io-client";
import type { PayloadOf } from "../../shared/protocol";

type Settled = "cards:claim" | "bingo:call";

/** An ack as the generator reads it: `cards:claim` and `bingo:call` answers. */
export interface Answer {
  ok: boolean;
  error?: { code: string };
}

/** A `cards:claim` answer. */
export interface ClaimAnswer extends Answer {
  cards?: { id: number; grid: number[][] }[];
  slots?: { total: number; remaining: number; version: number };
}

/** A `bingo:call` answer. */
export interface CallAnswer extends Answer {
  ballIndex?: number;
}

/**
 * As the SDK settles a request answered OUTCOME_UNKNOWN (the store's reply came after
 * REDIS_COMMAND_TIMEOUT_MS: the claim may have been granted, the call accepted): the same
 * request again, same `requestId`, after a backoff doubling from 250 ms up to 4 s, at most
 * 5 times. An UNAVAILABLE or RATE_LIMITED after it settles nothing (that repeat did
 * nothing, the first may have been done), so it is repeated too. Without this a card
 * granted under an OUTCOME_UNKNOWN went unrecorded by the generator, and a later snapshot
 * listing it counted as a mismatch (135 of 50,000 rejoins on 2026-12-07); and a bingo call
 * answered OUTCOME_UNKNOWN counted as a refusal.
 */
export const OUTCOME_RETRIES = 5;
const OUTCOME_BACKOFF_MS = 250;
const MAX_OUTCOME_BACKOFF_MS = 4000;
const NOTHING_DONE: ReadonlySet<string> = new Set(["UNAVAILABLE", "RATE_LIMITED"]);
/** Answers that carry no verdict of the store on the request: still unknown after the repeats, or nothing done. */
export const NO_VERDICT: ReadonlySet<string> = new Set(["OUTCOME_UNKNOWN", ...NOTHING_DONE]);
const ACK_TIMEOUT_MS = 60_000;

/** One request, settled: its answer (null if none came), and whether it was first answered OUTCOME_UNKNOWN. */
export async function settledRequest<A extends Answer, E extends Settled = Settled>(
  socket: Socket,
  event: E,
  payload: PayloadOf<E>,
  backoffMs = OUTCOME_BACKOFF_MS,
): Promise<{ answer: A | null; unknown: boolean }> {
  const emit = async (): Promise<A | null> => (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload).catch(() => null)) as A | null;
  let answer = await emit();
  let unknown = false;
  for (let attempt = 0; attempt < OUTCOME_RETRIES && answer !== null && !answer.ok; attempt++) {
    const code = answer.error?.code ?? "";
    if (code !== "OUTCOME_UNKNOWN" && !(unknown && NOTHING_DONE.has(code))) break;
    unknown = true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_OUTCOME_BACKOFF_MS, backoffMs * 2 ** attempt)));
    answer = await emit();
  }
  return { answer, unknown };
}
