import type { ProtocolError, WrongPhaseReason } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";

/** Errors both stores produce with the same wording and reason. */

const PHASE_MESSAGES: Record<WrongPhaseReason, string> = {
  lobby: "not allowed in phase lobby",
  claiming: "not allowed in phase claiming",
  running: "not allowed in phase running",
  finished: "not allowed in phase finished",
  paused: "the round is paused",
  "all-drawn": "every ball is drawn",
};

/** WRONG_PHASE for the game's phase, or for a state of its running round. */
export const wrongPhase = (reason: WrongPhaseReason): ProtocolError => protocolError("WRONG_PHASE", PHASE_MESSAGES[reason], reason);
export const tooFewSlots = (granted: number | string): ProtocolError =>
  protocolError("BAD_REQUEST", `totalSlots must be at least the ${granted} cards already granted`);
/** Internal: the coordinator draws another id (reason `game-id-taken`); never sent to a client. */
export const gameIdTaken = (): ProtocolError => protocolError("BAD_REQUEST", "game id already taken", "game-id-taken");
export const tooManyGames = (limit: number): ProtocolError =>
  protocolError("TOO_MANY_GAMES", `you already have ${limit} unfinished games (MAX_GAMES_PER_HOST); end one (round:end) before creating another`);
export const notYourGame = (): ProtocolError => protocolError("FORBIDDEN", "this game belongs to another host");
