import type { ProtocolError } from "../../shared/protocol/codes";
import type { Phase, Variant } from "../../shared/protocol/state";

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

/** Minor currency units as an amount with two decimals (500 → "5.00"), exact for any integer. */
export function money(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(minor));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
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

export function errorText(error: ProtocolError): string {
  if (error.code === "OUTCOME_UNKNOWN") return "No answer in time: it may or may not have been done. The page shows the game as the server has it now.";
  return `${error.code}: ${error.message}`;
}

/** Player ids can be long (uuids); the start is enough to tell people apart. */
export function shortPlayer(playerId: string): string {
  return playerId.length > 14 ? `${playerId.slice(0, 12)}…` : playerId;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
