import type { z } from "zod";
import type { ClientEvent, PayloadOf } from "./events";
import type { Role } from "./payloads";
import { cardsClaimSchema, claimsOpenSchema, gameCreateSchema, gameRefSchema } from "./payloads";

/** Who may send each client event, and the schema its payload must satisfy. */
export const CLIENT_EVENTS: { readonly [E in ClientEvent]: { readonly roles: readonly Role[]; readonly schema: z.ZodType<PayloadOf<E>> } } = {
  "game:create": { roles: ["host"], schema: gameCreateSchema },
  "claims:open": { roles: ["host"], schema: claimsOpenSchema },
  "claims:close": { roles: ["host"], schema: gameRefSchema },
  "game:join": { roles: ["player", "host"], schema: gameRefSchema },
  "cards:claim": { roles: ["player"], schema: cardsClaimSchema },
};
