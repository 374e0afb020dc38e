import { z } from "zod";
import type { PatternName } from "./state";
import { DEFAULT_PATTERNS, PATTERNS_BY_VARIANT, RECORD_ID_KINDS } from "./state";
import type { ErrorCode, ErrorReason } from "./codes";
import { ERROR_CODES, ERROR_REASONS } from "./codes";
import { MAX_RAW_NAME, nameProblem, normalName } from "./names";
import { isCurrency } from "./currency";
import { GAME_ID_PATTERN, normalGameId } from "./game-ids";
import { MAX_CARDS_PER_CLAIM, MAX_PER_PLAYER, MAX_TOTAL_SLOTS } from "./limits";

/**
 * Runtime schemas for every client payload. The TypeScript types of the event maps are
 * inferred from these, so a payload shape is written exactly once.
 */

export const gameIdSchema = z
  .string()
  .regex(GAME_ID_PATTERN, "gameId must be 1-64 characters of A-Z a-z 0-9 _ -")
  .transform(normalGameId);

export { DEFAULT_AWARD_WINNERS_SHOWN, MAX_CARDS_PER_CLAIM, MAX_PER_PLAYER, MAX_TOTAL_SLOTS } from "./limits";

export const MAX_PRIZE = 1_000_000_000_000;
export const MIN_AUTO_INTERVAL_MS = 250;
export const MAX_AUTO_INTERVAL_MS = 600_000;

const patternNameSchema = z.enum(["line", "four-corners", "full-house", "one-line", "two-lines"] satisfies PatternName[]);

export const gameCreateSchema = z
  .object({
    title: z.string().trim().min(1).max(120).optional(),
    variant: z.union([z.literal(75), z.literal(90)]).optional(),
    /** 75-ball only: which patterns, in award order (default line, then full house). */
    patterns: z.array(patternNameSchema).min(1).max(3).optional(),
    /** Prize pool per pattern in minor currency units, one per pattern (default 0 each). */
    prizes: z.array(z.number().int().min(0).max(MAX_PRIZE)).min(1).max(3).optional(),
    /**
     * Player ids in the public record: the players' `sub` (default), or a salted hash of it
     * that each player can compute for themselves once the seed is revealed (docs/fairness.md).
     */
    recordIds: z.enum(RECORD_ID_KINDS).optional(),
    /** ISO 4217 code of the prizes' currency (default DEFAULT_CURRENCY); `prizes` are in its minor unit. */
    currency: z.string().refine(isCurrency, "an ISO 4217 currency code such as EUR, USD or JPY").optional(),
  })
  .superRefine((value, ctx) => {
    const variant = value.variant ?? 75;
    const allowed: readonly string[] = PATTERNS_BY_VARIANT[variant];
    const patterns = value.patterns ?? DEFAULT_PATTERNS[variant];
    if (value.patterns) {
      if (variant === 90 && value.patterns.join() !== DEFAULT_PATTERNS[90].join()) {
        ctx.addIssue({ code: "custom", path: ["patterns"], message: "90-ball plays one-line, two-lines, full-house" });
      }
      if (value.patterns.some((name) => !allowed.includes(name))) {
        ctx.addIssue({ code: "custom", path: ["patterns"], message: `patterns for ${variant}-ball: ${allowed.join(", ")}` });
      }
      if (new Set(value.patterns).size !== value.patterns.length) {
        ctx.addIssue({ code: "custom", path: ["patterns"], message: "a pattern may appear once" });
      }
    }
    if (value.prizes && value.prizes.length !== patterns.length) {
      ctx.addIssue({ code: "custom", path: ["prizes"], message: `one prize per pattern (${patterns.length})` });
    }
  });

export const claimsOpenSchema = z.object({
  gameId: gameIdSchema,
  totalSlots: z.number().int().min(1).max(MAX_TOTAL_SLOTS),
  maxPerPlayer: z.number().int().min(1).max(MAX_PER_PLAYER),
});

export const gameRefSchema = z.object({ gameId: gameIdSchema });

export const gameJoinSchema = z.object({
  gameId: gameIdSchema,
  /**
   * Ids of this game's cards whose grids the client already holds (a card's grid never
   * changes): the answer lists those cards without their grids. Left out, every grid is sent.
   */
  knownCards: z.array(z.number().int().min(1).max(MAX_TOTAL_SLOTS)).max(MAX_PER_PLAYER).optional(),
});

export const cardsClaimSchema = z.object({
  gameId: gameIdSchema,
  count: z.number().int().min(1).max(MAX_CARDS_PER_CLAIM),
  requestId: z.string().min(1).max(64),
});

export const roundDrawSchema = z.object({
  gameId: gameIdSchema,
  /** The index the host expects to draw; a repeat of an answered draw then returns it again instead of drawing another. */
  index: z.number().int().min(0).max(89).optional(),
});

export const roundAutoSchema = z.object({
  gameId: gameIdSchema,
  intervalMs: z.number().int().min(MIN_AUTO_INTERVAL_MS).max(MAX_AUTO_INTERVAL_MS).nullable(),
});

export const bingoCallSchema = z.object({
  gameId: gameIdSchema,
  cardId: z.number().int().min(1).max(MAX_TOTAL_SLOTS),
  requestId: z.string().min(1).max(64),
});

export const bingoAutoSchema = z.object({ gameId: gameIdSchema, enabled: z.boolean() });

export const pushRegisterSchema = z.object({
  /** The FCM registration token of this device. */
  token: z.string().min(1).max(4096),
  platform: z.enum(["android", "ios", "web"]),
});

export const pushUnregisterSchema = z.object({ token: z.string().min(1).max(4096) });

export const appStateSchema = z.object({ state: z.enum(["foreground", "background"]) });

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
export type GameJoinPayload = z.infer<typeof gameJoinSchema>;
export type CardsClaimPayload = z.infer<typeof cardsClaimSchema>;
export type RoundDrawPayload = z.infer<typeof roundDrawSchema>;
export type RoundAutoPayload = z.infer<typeof roundAutoSchema>;
export type BingoCallPayload = z.infer<typeof bingoCallSchema>;
export type BingoAutoPayload = z.infer<typeof bingoAutoSchema>;
export type PushRegisterPayload = z.infer<typeof pushRegisterSchema>;
export type PushUnregisterPayload = z.infer<typeof pushUnregisterSchema>;
export type AppStatePayload = z.infer<typeof appStateSchema>;
export type Role = z.infer<typeof roleSchema>;
export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;

/**
 * The `error` of a refused ack, server → client: a code, words for people, and for codes
 * that cover several cases a machine-readable `reason` (see ERROR_REASONS in codes.ts).
 */
export const protocolErrorSchema = z.strictObject({
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  message: z.string().min(1),
  reason: z.enum(Object.keys(ERROR_REASONS) as [ErrorReason, ...ErrorReason[]]).optional(),
});

/** A display name: NFC, trimmed, then checked by the rules of names.ts (refused, never altered further). */
export const playerNameSchema = z
  .string()
  .max(MAX_RAW_NAME)
  .transform(normalName)
  .superRefine((name, ctx) => {
    const problem = nameProblem(name);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  });

/** `player:name`: the sender's display name in one game (shared/protocol/names.ts has the rules). */
export const playerNameSetSchema = z.object({ gameId: gameIdSchema, name: playerNameSchema });

export const MAX_PLAYERS_PAGE = 100;
export const DEFAULT_PLAYERS_PAGE = 50;
/** `players:list`: one page of a game's players for its host; `cursor` is the `next` of the page before. */
export const playersListSchema = z.object({
  gameId: gameIdSchema,
  cursor: z.number().int().min(0).max(MAX_TOTAL_SLOTS).optional(),
  limit: z.number().int().min(1).max(MAX_PLAYERS_PAGE).optional(),
});

export type PlayerNameSetPayload = z.infer<typeof playerNameSetSchema>;
export type PlayersListPayload = z.infer<typeof playersListSchema>;
