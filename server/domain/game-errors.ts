import type { Phase, ProtocolError } from "../../shared/protocol";
import { protocolError } from "../../shared/protocol";

/** Errors both stores produce with the same wording. */
export const wrongPhase = (phase: Phase | string): ProtocolError => protocolError("WRONG_PHASE", `not allowed in phase ${phase}`);
export const tooFewSlots = (granted: number | string): ProtocolError =>
  protocolError("BAD_REQUEST", `totalSlots must be at least the ${granted} cards already granted`);
export const gameIdTaken = (): ProtocolError => protocolError("BAD_REQUEST", "game id already taken");
export const notYourGame = (): ProtocolError => protocolError("FORBIDDEN", "this game belongs to another host");
