import type { Phase, ProtocolError } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";

/** Errors both stores produce with the same wording. */
const PHASES: readonly string[] = ["lobby", "claiming", "running", "finished"] satisfies Phase[];

/** WRONG_PHASE for a phase name, or for a state of the round ("paused", "every ball is drawn"). */
export const wrongPhase = (phase: Phase | "paused" | "every ball is drawn" | string): ProtocolError =>
  protocolError("WRONG_PHASE", PHASES.includes(phase) ? `not allowed in phase ${phase}` : phase === "paused" ? "the round is paused" : phase);
export const tooFewSlots = (granted: number | string): ProtocolError =>
  protocolError("BAD_REQUEST", `totalSlots must be at least the ${granted} cards already granted`);
export const gameIdTaken = (): ProtocolError => protocolError("BAD_REQUEST", "game id already taken");
export const tooManyGames = (limit: number): ProtocolError =>
  protocolError("TOO_MANY_GAMES", `you already have ${limit} unfinished games (MAX_GAMES_PER_HOST); end one (round:end) before creating another`);
export const notYourGame = (): ProtocolError => protocolError("FORBIDDEN", "this game belongs to another host");
