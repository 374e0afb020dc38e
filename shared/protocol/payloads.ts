import { z } from "zod";

/**
 * Runtime schemas for every client payload. The TypeScript types of the event maps are
 * inferred from these, so a payload shape is written exactly once.
 */

/** Game ids are server-made codes; the charset also keeps `{` `}` out of Redis hash tags. */
export const GAME_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const gameIdSchema = z.string().regex(GAME_ID_PATTERN, "gameId must be 1-64 characters of A-Z a-z 0-9 _ -");

export const MAX_CARDS_PER_CLAIM = 100;
export const MAX_PER_PLAYER = 100;
export const MAX_TOTAL_SLOTS = 10_000_000;

export const gameCreateSchema = z.object({
  title: z.string().trim().min(1).max(120).optional(),
  variant: z.union([z.literal(75), z.literal(90)]).optional(),
});

export const claimsOpenSchema = z.object({
  gameId: gameIdSchema,
  totalSlots: z.number().int().min(1).max(MAX_TOTAL_SLOTS),
  maxPerPlayer: z.number().int().min(1).max(MAX_PER_PLAYER),
});

export const gameRefSchema = z.object({ gameId: gameIdSchema });

export const cardsClaimSchema = z.object({
  gameId: gameIdSchema,
  count: z.number().int().min(1).max(MAX_CARDS_PER_CLAIM),
  requestId: z.string().min(1).max(64),
});

export const ROLES = ["player", "host"] as const;
export const roleSchema = z.enum(ROLES);

/** Body of `POST /api/dev/token` (development only). */
export const devTokenRequestSchema = z.object({
  role: roleSchema,
  sub: z.string().min(1).max(128).optional(),
});

export type GameCreatePayload = z.infer<typeof gameCreateSchema>;
export type ClaimsOpenPayload = z.infer<typeof claimsOpenSchema>;
export type GameRefPayload = z.infer<typeof gameRefSchema>;
export type CardsClaimPayload = z.infer<typeof cardsClaimSchema>;
export type Role = z.infer<typeof roleSchema>;
export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;
