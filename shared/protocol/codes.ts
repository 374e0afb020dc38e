/**
 * Every error code the server can put in `{ ok: false, error: { code, message } }`.
 * The descriptions are the documentation: a test checks that docs/protocol.md lists each code.
 */
export const ERROR_CODES = {
  BAD_REQUEST: "The payload is malformed: wrong type, missing field or out of range.",
  UNAUTHORIZED: "The connection has no valid token (refused at connect).",
  FORBIDDEN: "The role or identity may not do this (e.g. a player sending a host event, or a host acting on another host's game).",
  NOT_FOUND: "No game with this id.",
  WRONG_PHASE: "The game is not in a phase that allows this (e.g. opening claims twice).",
  SOLD_OUT: "No slots are left; nothing was granted.",
  LIMIT_REACHED: "The player already holds maxPerPlayer cards; nothing was granted.",
  CLAIMS_CLOSED: "Claiming is not open for this game; nothing was granted.",
  INVALID_CLAIM: "A bingo call the drawn balls do not support (or too late for the ball that completed it); nothing changed.",
  TOO_MANY_GAMES: "The host already has MAX_GAMES_PER_HOST unfinished games; end one (round:end) before creating another. Nothing was created.",
  RATE_LIMITED: "Too many requests; nothing was done, try again later.",
  UNAVAILABLE: "Nothing was done: the request never reached the store (Redis not connected, this node shutting down or full). Try again later or on another node.",
  OUTCOME_UNKNOWN:
    "The request reached the store but its answer did not arrive in time; it may or may not have been done. Send it again with the same requestId (round:draw: the same index) to learn the outcome; for events that cannot be repeated (game:create, claims:open, round:start, round:end) game:join shows the state.",
  INTERNAL: "An unexpected server error; nothing was done.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Why a WRONG_PHASE was answered, when the server knows: the game's phase, or, while the
 * round runs, `paused` or `all-drawn`. Clients act on `code` and `reason`, never on
 * `message` (words for people, which may change).
 */
const WRONG_PHASE_REASONS = {
  lobby: "WRONG_PHASE: the game is in its lobby (claims not open, round not started).",
  claiming: "WRONG_PHASE: claims are open; the round has not started.",
  running: "WRONG_PHASE: the round runs.",
  finished: "WRONG_PHASE: the game is finished.",
  paused: "WRONG_PHASE: the round runs but is paused; no ball is drawn until it is resumed.",
  "all-drawn": "WRONG_PHASE: the round runs and every ball is drawn.",
} as const;
export type WrongPhaseReason = keyof typeof WRONG_PHASE_REASONS;

/**
 * Every `reason` an error may carry: a machine-readable detail of a code that covers
 * several cases. The descriptions are the documentation: a test checks that
 * docs/protocol.md lists each.
 */
export const ERROR_REASONS = {
  ...WRONG_PHASE_REASONS,
  "game-id-taken": "BAD_REQUEST, internal: a store refused a new game's id as taken; the server draws another id, so it is never sent.",
} as const;
export type ErrorReason = keyof typeof ERROR_REASONS;

export interface ProtocolError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly reason?: ErrorReason;
}

export function protocolError(code: ErrorCode, message: string = ERROR_CODES[code], reason?: ErrorReason): ProtocolError {
  return reason === undefined ? { code, message } : { code, message, reason };
}

export function isWrongPhaseReason(value: unknown): value is WrongPhaseReason {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(WRONG_PHASE_REASONS, value);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
