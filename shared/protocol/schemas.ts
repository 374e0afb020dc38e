import type { z } from "zod";
import type { ClientEvent, PayloadOf } from "./events";
import type { ProtocolError } from "./codes";
import { protocolError } from "./codes";
import type { Role } from "./payloads";
import { pushPrefsSchema } from "./push-prefs";
import {
  appStateSchema,
  bingoAutoSchema,
  bingoCallSchema,
  cardsClaimSchema,
  claimsOpenSchema,
  gameCreateSchema,
  gameJoinSchema,
  gameRefSchema,
  playerNameSetSchema,
  playersListSchema,
  pushRegisterSchema,
  pushUnregisterSchema,
  roundAutoSchema,
  roundDrawSchema,
} from "./payloads";

/** Who may send each client event, and the schema its payload must satisfy. */
export const CLIENT_EVENTS: { readonly [E in ClientEvent]: { readonly roles: readonly Role[]; readonly schema: z.ZodType<PayloadOf<E>> } } = {
  "game:create": { roles: ["host"], schema: gameCreateSchema },
  "claims:open": { roles: ["host"], schema: claimsOpenSchema },
  "claims:close": { roles: ["host"], schema: gameRefSchema },
  "game:join": { roles: ["player", "host"], schema: gameJoinSchema },
  "game:peek": { roles: ["player"], schema: gameRefSchema },
  "cards:claim": { roles: ["player"], schema: cardsClaimSchema },
  "round:start": { roles: ["host"], schema: gameRefSchema },
  "round:draw": { roles: ["host"], schema: roundDrawSchema },
  "round:auto": { roles: ["host"], schema: roundAutoSchema },
  "round:pause": { roles: ["host"], schema: gameRefSchema },
  "round:resume": { roles: ["host"], schema: gameRefSchema },
  "round:end": { roles: ["host"], schema: gameRefSchema },
  "bingo:call": { roles: ["player"], schema: bingoCallSchema },
  "bingo:auto": { roles: ["player"], schema: bingoAutoSchema },
  "push:register": { roles: ["player"], schema: pushRegisterSchema },
  "push:unregister": { roles: ["player"], schema: pushUnregisterSchema },
  "app:state": { roles: ["player"], schema: appStateSchema },
  "push:prefs": { roles: ["player"], schema: pushPrefsSchema },
  "player:name": { roles: ["player"], schema: playerNameSetSchema },
  "players:list": { roles: ["host"], schema: playersListSchema },
  "game:next": { roles: ["host"], schema: gameRefSchema },
};

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

const MAX_MESSAGE = 200;

/**
 * Checks a client payload against its event's schema. Only plain JSON objects qualify:
 * Socket.IO hands binary attachments over as Buffers, which are objects too.
 */
export function parsePayload<E extends ClientEvent>(event: E, payload: unknown): Parsed<PayloadOf<E>> {
  if (payload === null || typeof payload !== "object" || Object.getPrototypeOf(payload) !== Object.prototype) {
    return { ok: false, error: protocolError("BAD_REQUEST", `${event}: the payload must be a JSON object`) };
  }
  const parsed = CLIENT_EVENTS[event].schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, error: protocolError("BAD_REQUEST", `${event}: ${where}${issue.message}`.slice(0, MAX_MESSAGE)) };
}
