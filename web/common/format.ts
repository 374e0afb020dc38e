import type { ErrorCode, ProtocolError } from "../../shared/protocol/codes";
import { minorDigits } from "../../shared/protocol/currency";
import type { PatternName, Phase, Variant } from "../../shared/protocol/state";

const LETTERS = "BINGO";

/** Column of a ball on its card: 0..4 for 75-ball (B..O), 0..8 for 90-ball. */
export function columnOf(ball: number, variant: Variant): number {
  if (variant === 75) return Math.floor((ball - 1) / 15);
  return ball === 90 ? 8 : Math.floor(ball / 10);
}

/** "B" for 12 in 75-ball; 90-ball numbers have no letter. */
export function letterOf(ball: number, variant: Variant): string {
  return variant === 75 ? LETTERS[columnOf(ball, 75)] : "";
}

/** How a ball is said aloud: "B 12", or "12" in 90-ball. */
export function ballName(ball: number, variant: Variant): string {
  const letter = letterOf(ball, variant);
  return letter ? `${letter} ${ball}` : String(ball);
}

export const BINGO_LETTERS: readonly string[] = LETTERS.split("");

/**
 * Minor currency units as an amount: without a currency, two plain decimals (500 → "5.00");
 * with one, the currency's own minor digits, formatted by Intl.NumberFormat for `locale`
 * ("€5.00", "¥500", "BHD 1.500"). Exact for any integer: the amount reaches Intl as a
 * decimal string, never through a floating-point division.
 */
export function money(minor: number, currency?: string, locale?: string): string {
  if (currency === undefined) return decimal(minor, 2);
  const digits = minorDigits(currency);
  const format = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  // Intl formats decimal strings exactly (ES2023 Intl.NumberFormat v3; Node 20, Chromium).
  return format.format(decimal(minor, digits) as unknown as number);
}

/** An integer count of minor units as a decimal string with `digits` decimals. */
function decimal(minor: number, digits: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = BigInt(Math.abs(Math.trunc(minor)));
  if (digits === 0) return `${sign}${abs}`;
  const unit = 10n ** BigInt(digits);
  return `${sign}${abs / unit}.${String(abs % unit).padStart(digits, "0")}`;
}

export function phaseLabel(phase: Phase, paused: boolean): string {
  switch (phase) {
    case "lobby":
      return "Waiting";
    case "claiming":
      return "Claiming open";
    case "running":
      return paused ? "Paused" : "Round running";
    case "finished":
      return "Finished";
  }
}

/** The "data-phase" styling hook that goes with phaseLabel. */
export function phaseKey(phase: Phase, paused: boolean): string {
  return phase === "running" && paused ? "paused" : phase;
}

/**
 * What each refusal means, in words for the people at the show. A Record over every code:
 * a code added to the protocol does not compile until it has its sentence here. The
 * server's message (written for developers) stays in the protocol and the logs.
 */
const PLAIN_ERRORS: Record<ErrorCode, string> = {
  BAD_REQUEST: "That was not accepted: check the values and try again.",
  UNAUTHORIZED: "You are not signed in, or your sign-in has run out. Reload the page to sign in again.",
  FORBIDDEN: "You are not allowed to do that.",
  NOT_FOUND: "There is no game with that code.",
  WRONG_PHASE: "That is not possible at this point of the game.",
  SOLD_OUT: "All the cards are taken.",
  LIMIT_REACHED: "You already hold as many cards as one player may.",
  CLAIMS_CLOSED: "Cards cannot be claimed right now.",
  INVALID_CLAIM: "That card has not completed the pattern in play, or the call came too late.",
  TOO_MANY_GAMES: "You already run as many games as allowed. End one before creating another.",
  RATE_LIMITED: "Too many requests at once. Wait a moment and try again.",
  UNAVAILABLE: "The server could not take that just now, and nothing was done. Try again in a moment.",
  OUTCOME_UNKNOWN: "No answer in time: it may or may not have been done. The page shows the game as the server has it now.",
  INTERNAL: "Something went wrong on the server, and nothing was done.",
};

export function errorText(error: ProtocolError): string {
  return PLAIN_ERRORS[error.code] ?? PLAIN_ERRORS.INTERNAL;
}

const PATTERN_LABELS: Record<PatternName, string> = {
  line: "Line",
  "four-corners": "Four corners",
  "full-house": "Full house",
  "one-line": "One line",
  "two-lines": "Two lines",
};

/** "Full house" for `full-house`: pattern ids are for machines. */
export function patternLabel(pattern: PatternName): string {
  return PATTERN_LABELS[pattern];
}

/** Player ids can be long (uuids); the start is enough to tell people apart. */
export function shortPlayer(playerId: string): string {
  return playerId.length > 14 ? `${playerId.slice(0, 12)}…` : playerId;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
